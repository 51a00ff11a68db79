/**
 * The outcome an invocation posts when its hook has finished (OutcomeMessage): the returned value or the
 * error, and the fields a hook may change for the next script. Built from objects without a prototype, so
 * an Object.prototype.toJSON cannot rewrite it; never throws.
 */
import { RETURNED_FIELDS, type IsolateLimits, type OutcomeError, type OutcomeMessage } from '../protocol.ts';
import { stringify } from './intrinsics.ts';
import { encodeResult, type Unencodable } from './encode.ts';
import { explained, isError, safeMessage, safeName, safeStack, statusMark } from './errors.ts';
import type { CtxNode } from './ctx.ts';
import type { Logs } from './logs.ts';

/** The outcome's JSON text: what the hook returned (`ok`) or threw, and `$ctx`'s returned fields. */
export function outcome(ok: boolean, value: unknown, $ctx: CtxNode, logs: Logs, limits: IsolateLimits): string {
  try {
    return encodeOutcome(ok, value, $ctx, logs, limits);
  } catch (err) {
    // Deep recursion or an exhausted stack while reading the value.
    return failure('Error', 'the hook result could not be read: ' + safeMessage(err), logs);
  }
}

function encodeOutcome(ok: boolean, value: unknown, $ctx: CtxNode, logs: Logs, limits: IsolateLimits): string {
  const out = { __proto__: null, ok, dropped: logs.dropped() } as unknown as OutcomeMessage;
  if (ok && value !== undefined) {
    const enc = encodeResult(value);
    if (typeof enc === 'string') out.data = enc;
    else if (enc[0] !== 'function' && enc[0] !== 'symbol') out.dataProblem = enc[1];
  } else if (!ok) {
    const marked = statusMark(value);
    const error = {
      __proto__: null,
      name: safeName(value),
      message: explained(value),
      statusCode: marked ? marked[0] : null,
      code: marked ? marked[1] : null,
      details: null,
      stack: safeStack(value),
      thrownNonError: !isError(value),
    } as OutcomeError;
    out.error = error;
    if (marked && marked[2] !== null && marked[2] !== undefined) {
      const enc = encodeResult(marked[2]);
      if (typeof enc === 'string') error.details = enc;
    }
  }
  // Fields a hook may change for the next hook in a chain.
  const changed = { __proto__: null } as OutcomeMessage['changed'];
  for (let i = 0; i < RETURNED_FIELDS.length; i++) {
    const field = RETURNED_FIELDS[i]!;
    // $flow exists only in flow steps; elsewhere it is not reported.
    if (field === '$flow' && $ctx.$flow === undefined) continue;
    let enc: string | Unencodable;
    try {
      enc = encodeResult($ctx[field]);
    } catch {
      enc = ['unserializable', ''];
    }
    changed[field] = typeof enc === 'string' ? enc : null;
  }
  out.changed = changed;
  const payload = stringify(out);
  if (payload.length <= limits.maxResultBytes) return payload;
  return failure('RangeError', `result is larger than sandbox.maxResultBytes (${limits.maxResultBytes} bytes)`, logs);
}

/** An outcome for an error of the bootstrap's own (the dropped count read now: the value's getters may have logged). */
function failure(name: string, message: string, logs: Logs): string {
  return stringify({
    __proto__: null,
    ok: false,
    dropped: logs.dropped(),
    error: { __proto__: null, name, message, statusCode: null, code: null, details: null, stack: null, thrownNonError: false },
    changed: { __proto__: null },
  });
}
