import type { InvocationScope } from '../sandbox/host-module.ts';

export const MAX_SLEEP_MS = 30_000;

/**
 * Waits `Number(ms)` milliseconds, clamped to 0..30 s as Enfyra does (a
 * non-number waits 0), and to the invocation's remaining wall-clock time.
 */
export async function sleep(ms: unknown, scope: InvocationScope): Promise<void> {
  const wait = Math.min(Math.max(0, Math.min(Number(ms) || 0, MAX_SLEEP_MS)), scope.remainingWallMs());
  await new Promise((resolve) => setTimeout(resolve, wait));
}
