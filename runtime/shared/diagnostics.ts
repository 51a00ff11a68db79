/**
 * What a run reports besides its answer: warnings (behaviour that matches
 * Enfyra but is a trap, or code that works here and not in production) and
 * effects (what a member that reaches outside the request did or would have
 * done). Both travel in the result envelope, replay's reports and the dev
 * server's inspector.
 */

export interface Warning {
  /** Stable identifier, e.g. `cache.set-without-ttl`, `repos.where-ignored`, `template.modulo`. */
  readonly code: string;
  /** One sentence: what happens in Enfyra and how to fix the script. */
  readonly message: string;
  /** The script the warning is about (display name), its 1-based line and column, when known. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** A recorded outside effect: `type` names the member and method (`socket.emitToUser`, `fetch`, `trigger`). */
export interface Effect {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What a host method warns through (InvocationScope has it): per-invocation state and `warn`. */
export interface WarningSink {
  warn(code: string, message: string): void;
  state<T>(owner: object, init: () => T): T;
}

const reported = {};

/** `sink.warn`, once per invocation for the same code and message: a loop of calls warns once. */
export function warnOnce(sink: WarningSink, code: string, message: string): void {
  const seen = sink.state(reported, () => new Set<string>());
  const id = `${code}\n${message}`;
  if (seen.has(id)) return;
  seen.add(id);
  sink.warn(code, message);
}

/** `hooks/x.js:12:5: message` — the form editors and terminals link. */
export function formatWarning(w: Warning): string {
  const where = w.file ? `${w.file}${w.line ? `:${w.line}${w.column ? `:${w.column}` : ''}` : ''}: ` : '';
  return `${where}${w.message} [${w.code}]`;
}
