/**
 * `$cache` arguments as Enfyra's user cache takes them. In Enfyra a script's
 * arguments cross to the host as `JSON.stringify(args)`, so an explicit
 * `undefined` arrives as null while an omitted trailing argument is absent;
 * the host then checks the key, serializes the value, checks its size and
 * leaves the TTL to Redis. The checks here run in that order, before any
 * store call, so bad input writes nothing, and fail with Enfyra's messages.
 */
import type { HostArg } from '../sandbox/host-module.ts';
import { isUnrepresentable } from '../shared/wire.ts';
import { byteLength, encode } from './codec.ts';

/** Enfyra's error for a key that is not a non-empty string (numbers included). */
export const KEY_REQUIRED = 'cache key is required';

/** Enfyra's store rejects PX values that are not integers with Redis's own reply. */
const NOT_AN_INTEGER = 'ERR value is not an integer or out of range';
const INVALID_EXPIRE = "ERR invalid expire time in 'set' command";
/** Far beyond any TTL, and `now + ttl` stays an exact integer for the memory and sqlite drivers. */
const MAX_TTL_MS = 9_000_000_000_000_000;
const REDIS_INTEGER = /^[1-9][0-9]*$/;

/** The argument at `index` as it reaches Enfyra's host: absent when omitted, null for an explicit undefined. */
export function arg(args: readonly HostArg[], index: number): { present: boolean; value: unknown } {
  if (index >= args.length) return { present: false, value: undefined };
  const value = args[index];
  return { present: true, value: value === undefined ? null : value };
}

export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') throw new Error(KEY_REQUIRED);
  return key;
}

export interface Ttl {
  /** What the store gets. */
  ms: number;
  /** False when the script gave no positive TTL and the namespace lifecycle TTL applies. */
  given: boolean;
}

/**
 * `ttlMs > 0` (JavaScript's comparison, so `'5000'` counts) is passed to Redis
 * as PX, which takes only integers; anything else means the lifecycle TTL.
 */
export function checkTtl(ttlMs: unknown, lifecycleTtlMs: number): Ttl {
  if (!((ttlMs as number) > 0)) return { ms: lifecycleTtlMs, given: false };
  const text = String(ttlMs);
  if (!REDIS_INTEGER.test(text)) throw new Error(NOT_AN_INTEGER);
  const ms = Number(text);
  if (ms > MAX_TTL_MS) throw new Error(INVALID_EXPIRE);
  return { ms, given: true };
}

export interface SizeLimits {
  /** REDIS_USER_CACHE_MAX_VALUE_BYTES; 0: none. */
  maxValueBytes: number;
  /** REDIS_USER_CACHE_LIMIT_MB in bytes; 0: none. */
  limitBytes: number;
}

/** The stored text of a value about to be written, within Enfyra's size limits. */
export function checkStoredValue(value: { present: boolean; value: unknown }, limits: SizeLimits): string {
  const text = checkComparable(value);
  if (text === undefined) {
    // What Enfyra's size check (Buffer.byteLength) throws for a value that was never passed.
    throw new TypeError(
      'The "string" argument must be of type string or an instance of Buffer or ArrayBuffer. Received undefined',
    );
  }
  const size = byteLength(text);
  if (limits.maxValueBytes > 0 && size > limits.maxValueBytes) {
    throw new Error(
      `$cache value is ${size} bytes, above REDIS_USER_CACHE_MAX_VALUE_BYTES=${limits.maxValueBytes} (cache.maxValueBytes)`,
    );
  }
  if (limits.limitBytes > 0 && size > limits.limitBytes) {
    throw new Error(
      `$cache value is ${size} bytes, above REDIS_USER_CACHE_LIMIT_MB capacity ${limits.limitBytes} bytes (cache.limitMb)`,
    );
  }
  return text;
}

/**
 * The stored text of a value to compare with (exists, release); undefined when
 * the value was omitted. A function, symbol or BigInt the bridge could not
 * carry is refused: Enfyra's JSON would drop a function, and fail on a BigInt.
 */
export function checkComparable(value: { present: boolean; value: unknown }): string | undefined {
  if (!value.present) return undefined;
  if (isUnrepresentable(value.value)) {
    throw new TypeError(`$cache: the value cannot cross to the cache as JSON (${value.value.describe()})`);
  }
  return encode(value.value);
}

/** A safe integer argument named `name`; `fallback` when omitted (enfyra-run's `incr`). */
export function checkInteger(label: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${label}: ${name} must be an integer, got ${typeof value}`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${label}: ${name} must be a safe integer, got ${value}`);
  return value;
}
