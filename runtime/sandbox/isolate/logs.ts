/**
 * One invocation's `$logs` (and what the shared console logs to): lines are formatted here, so the host
 * only ever receives strings, and each argument is also kept as Enfyra keeps it, in `$share.$logs`.
 */
import { MESSAGE, type IsolateLimits } from '../protocol.ts';
import { StringCtor, parse, slice, stringify } from './intrinsics.ts';
import { postRaw } from './bridge.ts';
import { encode } from './encode.ts';
import { isError, safeMessage, safeName } from './errors.ts';
import type { CtxNode } from './ctx.ts';

export interface Logs {
  /** `$ctx.$logs` itself. */
  readonly log: (...args: unknown[]) => void;
  /** Calls dropped past sandbox.maxLogs. */
  dropped(): number;
}

/** Installs `$ctx.$logs` on `$ctx` (and `$ctx.$share.$logs`, where Enfyra keeps the entries). */
export function installLogs($ctx: CtxNode, invId: number, limits: IsolateLimits): Logs {
  let logsFull = false;
  let droppedLogs = 0;
  // One array for the whole chain, carried in $share.
  if ($ctx.$share === null || typeof $ctx.$share !== 'object') $ctx.$share = {};
  const share = $ctx.$share as CtxNode;
  const shareLogs: unknown[] = Array.isArray(share.$logs) ? share.$logs : (share.$logs = []);
  let logCount = 0;
  $ctx.$logs = function (...args: unknown[]) {
    if (logsFull) {
      droppedLogs++;
      return;
    }
    let line = '';
    let entries = '[';
    for (let i = 0; i < args.length; i++) {
      line += (i ? ' ' : '') + formatLogArg(args[i]);
      const entry = logEntry(args[i], limits.maxLogLineChars);
      entries += (i ? ',' : '') + entry;
      shareLogs[shareLogs.length] = parse(entry);
    }
    if (line.length > limits.maxLogLineChars) line = slice(line, 0, limits.maxLogLineChars) + '… (cut)';
    postRaw(MESSAGE.log, invId, line, entries + ']');
    // The host keeps the same count (and enforces it); counting here spares a round trip per line.
    if (++logCount >= limits.maxLogs) logsFull = true;
  };
  return { log: $ctx.$logs as Logs['log'], dropped: () => droppedLogs };
}

function formatLogArg(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return StringCtor(value) + 'n';
  if (typeof value === 'function' || typeof value === 'symbol') {
    try { return StringCtor(value); } catch { return '[unprintable]'; }
  }
  if (isError(value)) return safeName(value) + ': ' + safeMessage(value);
  const enc = encode(value);
  if (typeof enc === 'string') return enc;
  return '[' + enc[1] + ']';
}

/**
 * One log entry per argument, as Enfyra keeps them: a JSON copy of the value (objects stay objects),
 * or its String() when JSON has none (undefined, a function, a BigInt, a cycle). Its JSON text.
 */
function logEntry(value: unknown, maxChars: number): string {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    let s: string;
    try { s = StringCtor(value); } catch { s = '[unprintable]'; }
    text = stringify(s);
  }
  if (text.length > maxChars) text = stringify(slice(text, 0, maxChars) + '… (cut)');
  return text;
}
