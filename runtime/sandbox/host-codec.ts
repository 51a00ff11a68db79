/**
 * The host's half of the bridge's encoding (see protocol.ts; the isolate's half is isolate/encode.ts and
 * isolate/replies.ts): a host call's arguments in, its reply out.
 */
import { UNREPRESENTABLE_KINDS, Unrepresentable, type UnrepresentableKind } from '../shared/wire.ts';
import { REPLY, type ReplyError } from './protocol.ts';

const UNREPRESENTABLE: ReadonlySet<string> = new Set(UNREPRESENTABLE_KINDS);

/** A host call's arguments (isolate/encode.ts encodeArgs): a value JSON cannot carry arrives as an Unrepresentable. */
export function decodeArgs(argsJson: string, specials: string): unknown[] {
  const args: unknown = JSON.parse(argsJson);
  if (!Array.isArray(args)) throw new TypeError('malformed host call arguments');
  if (specials) {
    for (const [key, entry] of Object.entries(JSON.parse(specials) as Record<string, unknown>)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= args.length || !Array.isArray(entry)) continue;
      const [kind, detail] = entry as unknown[];
      if (kind === 'undefined') args[index] = undefined;
      else if (typeof kind === 'string' && UNREPRESENTABLE.has(kind)) {
        args[index] = new Unrepresentable(kind as UnrepresentableKind, typeof detail === 'string' ? detail : '');
      }
    }
  }
  return args;
}

/** A host method's result as a reply; never throws (a value JSON cannot carry becomes a TypeError reply). */
export function encodeReply(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return encodeErrorReply(new TypeError(`the host returned a value JSON cannot represent: ${(err as Error).message}`));
  }
  // undefined, a function or a symbol: JSON has no text for them.
  return json === undefined ? REPLY.undefined : REPLY.value + json;
}

export function encodeErrorReply(err: unknown): string {
  let name = 'Error';
  let message: string;
  let statusCode: number | null = null;
  try {
    const e = err as { name?: unknown; message?: unknown; statusCode?: unknown };
    if (typeof e?.name === 'string') name = e.name;
    message = typeof e?.message === 'string' ? e.message : String(err);
    if (typeof e?.statusCode === 'number') statusCode = e.statusCode;
  } catch {
    message = 'host error (unreadable)';
  }
  return errorReply({ name, message, statusCode });
}

export function errorReply(error: ReplyError): string {
  return REPLY.error + JSON.stringify(error);
}

/** The reply to a message from an invocation that has ended. */
export const INVOCATION_ENDED = errorReply({ name: 'Error', message: 'the invocation has ended', statusCode: null });
