/**
 * Ctrl-C (SIGINT) or SIGTERM in the middle of a command: the first one says
 * so on one line and starts an orderly stop (the running hook is stopped, the
 * locks it holds given back, connections closed); the command then exits
 * with 128 + the signal number (130 for SIGINT, 143 for SIGTERM). A second
 * one exits at once.
 *
 * npm and npx forward the signals they get to the command they started, so
 * one Ctrl-C typed under `npx enfyra-run` arrives twice, a moment apart.
 * Where a parent is known to forward (npm's environment is present, or our
 * own bin re-ran itself), a repeat within FORWARDED_REPEAT_MS counts as the
 * same Ctrl-C.
 */
const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNALS;

export const FORWARDED_REPEAT_MS = 300;

export interface InterruptOptions {
  /** Where the one line goes. */
  stderr?: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
  /** What the stop does; the text says it to the user ("stopping the hook, ..."). */
  what: string;
  /** Called (once) on the first signal. */
  stop: () => Promise<void> | void;
  /** Ends the process at once on the second signal (tests replace it). */
  exit?: (code: number) => void;
}

export interface InterruptWatch {
  /** 130 / 143 once a signal came, else null. */
  readonly code: number | null;
  /** Settles when the stop started by the first signal has finished (at once when there was none). */
  readonly stopped: Promise<void>;
  /** Remove the handlers (the command is over). */
  dispose(): void;
}

/**
 * Watches for Ctrl-C until disposed. Watches nest (`--watch` around each
 * run): a signal goes to the innermost one only.
 */
export function watchForInterrupt(options: InterruptOptions): InterruptWatch {
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const forwarded = Boolean(env.npm_command || env.npm_lifecycle_event || env.ENFYRA_RUN_SIGNAL_FORWARDED === '1');
  let code: number | null = null;
  let firstAt = 0;
  let stopped: Promise<void> = Promise.resolve();

  const watch: Watcher = (signal) => {
    if (code === null) {
      code = 128 + SIGNALS[signal];
      firstAt = Date.now();
      stderr.write(`enfyra-run: interrupted (${signal}): ${options.what} — press Ctrl-C again to quit at once\n`);
      stopped = Promise.resolve()
        .then(options.stop)
        .catch((err: unknown) => {
          stderr.write(`enfyra-run: could not stop cleanly: ${(err as Error)?.message ?? String(err)}\n`);
        });
      return;
    }
    if (forwarded && Date.now() - firstAt < FORWARDED_REPEAT_MS) return;
    exit(code);
  };
  push(watch);

  return {
    get code() {
      return code;
    },
    get stopped() {
      return stopped;
    },
    dispose() {
      pop(watch);
    },
  };
}

type Watcher = (signal: Signal) => void;

const stack: Watcher[] = [];
const listeners = Object.keys(SIGNALS).map((signal) => [signal, () => stack.at(-1)?.(signal as Signal)] as const);

function push(watcher: Watcher): void {
  if (stack.length === 0) for (const [signal, listener] of listeners) process.on(signal, listener);
  stack.push(watcher);
}

function pop(watcher: Watcher): void {
  const at = stack.lastIndexOf(watcher);
  if (at === -1) return;
  stack.splice(at, 1);
  if (stack.length === 0) for (const [signal, listener] of listeners) process.off(signal, listener);
}
