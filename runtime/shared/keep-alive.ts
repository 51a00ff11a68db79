/**
 * Connections and timers of the runtime are unref'd, so a program that never
 * calls `runtime.close()` still ends once nothing runs. While work is in
 * flight, though, the process must not end under it: `keepAlive` holds one
 * shared ref'd timer for as long as any work it was given is pending.
 */
let pending = 0;
let timer: NodeJS.Timeout | null = null;

/** `work`, with the process kept alive until it settles. */
export function keepAlive<T>(work: Promise<T>): Promise<T> {
  hold();
  return work.finally(release);
}

function hold(): void {
  pending++;
  if (pending > 1) return;
  timer ??= setInterval(() => {}, 2 ** 31 - 1);
  timer.ref();
}

function release(): void {
  pending--;
  if (pending === 0) timer?.unref();
}

/** A socket (or anything with unref) no longer keeps the process alive. */
export function unrefHandle(handle: unknown): void {
  (handle as { unref?: () => void } | null | undefined)?.unref?.();
}
