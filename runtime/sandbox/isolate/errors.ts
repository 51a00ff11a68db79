/**
 * Reading what a script threw without running its code (a getter, a proxy trap, a replaced
 * `Error[Symbol.hasInstance]` or `prepareStackTrace`), and the statuses of the errors the bootstrap
 * raises, kept where a script cannot forge them.
 */
import {
  ErrorCtor, StringCtor, WeakMapCtor, WeakSetCtor, captureStackTrace, defineProperty, getOwnPropertyDescriptor, ordinaryHasInstance,
  prepareStackTraceAtStart, reflectApply, slice, stackGetter, weakMapGet, weakMapSet, weakSetAdd, weakSetHas,
} from './intrinsics.ts';

/** `value instanceof Error`, immune to a replaced Error[Symbol.hasInstance]; false when a proxy trap throws. */
export function isError(value: unknown): value is Error {
  try {
    return reflectApply(ordinaryHasInstance, ErrorCtor, [value]) === true;
  } catch {
    return false;
  }
}

/**
 * The stack of a thrown Error (where it came from in the hook), cut short; null when reading it could
 * run script code: a `stack` the script redefined, or an Error.prepareStackTrace it installed.
 */
export function safeStack(err: unknown): string | null {
  if (!isError(err) || stackGetter === undefined) return null;
  try {
    const own = getOwnPropertyDescriptor(err, 'stack');
    if (!own || own.get !== stackGetter) return null;
    const now = getOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace');
    if (!sameDescriptor(now, prepareStackTraceAtStart)) return null;
    const stack: unknown = reflectApply(stackGetter, err, []);
    return typeof stack === 'string' ? slice(stack, 0, 4000) : null;
  } catch {
    return null;
  }
}

/** Where a host call was made: a stack recorded now and formatted only if the host asks (callSite). */
export interface CallSite {
  stack?: unknown;
}

export function captureCallSite(): CallSite {
  // Error.prototype gives the stack's first line ("Error"); V8 cannot write one for a prototype-less object.
  const site: CallSite = { __proto__: ErrorCtor.prototype } as CallSite;
  if (captureStackTrace !== undefined) reflectApply(captureStackTrace, ErrorCtor, [site]);
  return site;
}

/** The recorded stack's text (the object is the bootstrap's own: no script code can be on it). */
export function callSiteStack(site: CallSite): string | null {
  try {
    const now = getOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace');
    if (!sameDescriptor(now, prepareStackTraceAtStart)) return null;
    const stack = site.stack;
    return typeof stack === 'string' ? slice(stack, 0, 4000) : null;
  } catch {
    return null;
  }
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.value === b.value && a.get === b.get && a.set === b.set;
}

export function safeMessage(err: unknown): string {
  try {
    if (err && typeof err === 'object' && 'message' in err) {
      const m = err.message;
      return typeof m === 'string' ? m : StringCtor(m);
    }
    return StringCtor(err);
  } catch {
    return '(error message could not be read)';
  }
}

export function safeName(err: unknown): string {
  try {
    if (isError(err)) {
      const n: unknown = err.name;
      return typeof n === 'string' && n ? n : 'Error';
    }
  } catch {}
  return 'Error';
}

// ---- statuses ----------------------------------------------------------------
/** Status, Enfyra error code and details of an error `$throw` or a host reply raised. */
export type StatusMark = [status: number, code: string | null, details: unknown];

/** Errors raised by `$throw` and host replies: status, Enfyra error code and details, out of a script's reach. */
const statusOf = new WeakSetCtor<object>();
// Weak: the realm outlives the invocations, and so would every error a Map kept.
const statusCodes = new WeakMapCtor<object, StatusMark>();

export function markStatus(err: object, status: number, code: string | null = null, details: unknown = null): void {
  reflectApply(weakSetAdd, statusOf, [err]);
  reflectApply(weakMapSet, statusCodes, [err, [status, code, details]]);
}

/** The mark of an error the bootstrap raised; null for anything else (whatever its own `statusCode` says). */
export function statusMark(value: unknown): StatusMark | null {
  return value !== null && typeof value === 'object' && reflectApply(weakSetHas, statusOf, [value])
    ? (reflectApply(weakMapGet, statusCodes, [value]) as StatusMark)
    : null;
}

export function statusError(status: number, name: string, code: string | null, message: string, details: unknown): Error {
  const err = new ErrorCtor(message);
  defineProperty(err, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  defineProperty(err, 'statusCode', { value: status, enumerable: true });
  if (details !== undefined && details !== null) defineProperty(err, 'details', { value: details, enumerable: true });
  markStatus(err, status, code, details);
  return err;
}

const FROZEN_MESSAGE = /^Cannot (assign to read only property|add property|define property|redefine property|delete property)|object is not extensible/;

/**
 * The error's message; a change to a frozen built-in or global says why it failed (Enfyra lets such a
 * change leak into later requests; here the realm is shared by an isolate's invocations, so it is frozen).
 */
export function explained(value: unknown): string {
  const message = safeMessage(value);
  if (!isError(value) || safeName(value) !== 'TypeError' || !FROZEN_MESSAGE.test(message)) return message;
  return message + ' (built-ins and globals are frozen: they are shared between invocations; in Enfyra this change would leak into other requests)';
}
