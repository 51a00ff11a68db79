/**
 * The built-ins the bootstrap relies on, captured once, after lockdown (imported first, below) and before
 * any package or script runs: a script that replaces `JSON.parse`, `Promise` or a prototype's method only
 * affects itself. Everything else in the bootstrap uses these, never the globals.
 */
import './lockdown.ts';

export const stringify = JSON.stringify;
export const parse = JSON.parse;
export const PromiseCtor = Promise;
export const reflectApply = Reflect.apply;
export const reflectGet = Reflect.get;
export const ErrorCtor = Error;
export const TypeErrorCtor = TypeError;
export const RangeErrorCtor = RangeError;
export const WeakSetCtor = WeakSet;
export const WeakMapCtor = WeakMap;
export const weakMapGet = WeakMap.prototype.get;
export const weakMapSet = WeakMap.prototype.set;
export const weakSetHas = WeakSet.prototype.has;
export const weakSetAdd = WeakSet.prototype.add;
export const MapCtor = Map;
export const mapGet = Map.prototype.get;
export const mapSet = Map.prototype.set;
export const mapDelete = Map.prototype.delete;
export const StringCtor = String;
export const defineProperty = Object.defineProperty;
export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const freeze = Object.freeze;
export const ProxyCtor = Proxy;
export const stringSlice = String.prototype.slice;
export const parseIntFn = parseInt;
export const stringIncludes = String.prototype.includes;
export const hasOwn = Object.prototype.hasOwnProperty;
export const indirectEval = eval;
// Function.prototype[Symbol.hasInstance] is non-writable: `instanceof` without Error[Symbol.hasInstance].
export const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];
// V8's own `stack` accessor and the untouched Error.prepareStackTrace: reading a stack through them runs no script code.
export const stackGetter = getOwnPropertyDescriptor(new ErrorCtor(''), 'stack')?.get;
export const prepareStackTraceAtStart = getOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace');
/** V8's Error.captureStackTrace: records where it is called on any object, cheaper than making an Error. */
export const captureStackTrace = ErrorCtor.captureStackTrace;

export const slice = (s: string, start: number, end?: number): string => reflectApply(stringSlice, s, [start, end]);
