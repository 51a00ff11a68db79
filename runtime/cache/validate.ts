/**
 * Argument checks for `$cache` methods. Each returns the value the driver
 * needs (key string, encoded value, whole-ms TTL) or throws a TypeError or
 * RangeError whose message starts with the method label and names the
 * argument. They run before any store call, so bad input writes nothing.
 */
import { isUnrepresentable } from '../shared/wire.ts';
import { encode, exceedsBytes } from './codec.ts';

export function describeValue(value: unknown): string {
  if (isUnrepresentable(value)) return value.describe();
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return value === '' ? 'empty string' : 'string';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** A non-empty string, or a finite number used as its decimal string (as Enfyra does). */
export function checkKey(label: string, key: unknown): string {
  if (typeof key === 'string' && key !== '') return key;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  throw new TypeError(`${label}: key must be a non-empty string or a finite number, got ${describeValue(key)}`);
}

/** A positive finite number of milliseconds, rounded up to a whole millisecond (Redis PX takes integers). */
export function checkTtl(label: string, ttlMs: unknown): number {
  if (typeof ttlMs !== 'number') {
    throw new TypeError(`${label}: ttlMs must be a positive number of milliseconds, got ${describeValue(ttlMs)}`);
  }
  if (!(ttlMs > 0 && ttlMs <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${label}: ttlMs must be a positive finite number of milliseconds, got ${describeValue(ttlMs)}`);
  }
  return Math.ceil(ttlMs);
}

/** Like checkTtl, but an omitted (undefined) TTL means "no expiry" (null). */
export function checkOptionalTtl(label: string, ttlMs: unknown): number | null {
  return ttlMs === undefined ? null : checkTtl(label, ttlMs);
}

/** The stored form of a value that is about to be written. */
export function checkValue(label: string, value: unknown, maxValueBytes: number): string {
  const encoded = checkComparable(label, value);
  if (exceedsBytes(encoded, maxValueBytes)) {
    const bytes = Buffer.byteLength(encoded, 'utf8');
    throw new RangeError(`${label}: value is ${bytes} bytes as JSON, over the limit of ${maxValueBytes} (cache.maxValueBytes)`);
  }
  return encoded;
}

/** The encoded form of a value used only for comparison (exists, release): no size limit. */
export function checkComparable(label: string, value: unknown): string {
  let encoded: string | undefined;
  if (!isUnrepresentable(value)) {
    try {
      encoded = encode(value);
    } catch (err) {
      throw notJson(label, (err as Error).message);
    }
  }
  if (encoded === undefined) throw notJson(label, describeValue(value));
  return encoded;
}

function notJson(label: string, got: string): TypeError {
  return new TypeError(
    `${label}: value must be representable as JSON (object, array, string, number, boolean or null), got ${got}`,
  );
}

/** A safe integer argument named `name`; `fallback` when omitted. */
export function checkInteger(label: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${label}: ${name} must be an integer, got ${describeValue(value)}`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${label}: ${name} must be a safe integer, got ${describeValue(value)}`);
  return value;
}
