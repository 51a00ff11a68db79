/** The isolate's `console`: shared by its invocations (and frozen), it logs to whichever one runs. */
import { freeze, reflectApply } from './intrinsics.ts';

type LogFn = (...args: unknown[]) => void;

export interface IsolateConsole {
  readonly log: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  readonly debug: LogFn;
}

/** `running()`: the `$logs` of the invocation running now, null between invocations. */
export function sharedConsole(running: () => LogFn | null): IsolateConsole {
  const consoleLog = function (...args: unknown[]): void {
    const log = running();
    if (log !== null) reflectApply(log, undefined, args);
  };
  return freeze({ log: consoleLog, info: consoleLog, warn: consoleLog, error: consoleLog, debug: consoleLog });
}
