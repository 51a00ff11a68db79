/** The host's replies to calls from the isolate (see ../protocol.ts): a value, or an error to raise. */
import { REPLY, type ReplyError } from '../protocol.ts';
import { ErrorCtor, RangeErrorCtor, TypeErrorCtor, defineProperty, hasOwn, parse, reflectApply, slice } from './intrinsics.ts';
import { markStatus } from './errors.ts';

function errorFromReply(payload: string): Error {
  const info = parse(payload) as ReplyError;
  const Ctor = info.name === 'TypeError' ? TypeErrorCtor : info.name === 'RangeError' ? RangeErrorCtor : ErrorCtor;
  const err = new Ctor(info.message);
  if (info.name !== 'TypeError' && info.name !== 'RangeError') {
    defineProperty(err, 'name', { value: info.name, writable: true, configurable: true, enumerable: false });
  }
  if (reflectApply(hasOwn, info, ['statusCode']) && typeof info.statusCode === 'number') {
    defineProperty(err, 'statusCode', { value: info.statusCode, enumerable: true });
    markStatus(err, info.statusCode);
  }
  return err;
}

/** The reply's value; throws the error it carries. */
export function decodeReply(reply: string): unknown {
  const tag = reply[0];
  if (tag === REPLY.undefined) return undefined;
  if (tag === REPLY.value) return parse(slice(reply, 1));
  throw errorFromReply(slice(reply, 1));
}
