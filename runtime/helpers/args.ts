/**
 * Argument checks for the helpers. Messages name the helper and the argument
 * (`$helpers.$crypto.randomBytes: size must be ...`). Wrong type or format is
 * a TypeError; a well-typed value out of bounds is a RangeError.
 */
import type { HostArg } from '../sandbox/host-module.ts';
import { isUnrepresentable } from '../shared/wire.ts';

/**
 * Argument `index` as Enfyra's host receives it: the isolate sends
 * `JSON.stringify(args)`, so an omitted argument is undefined, an explicit
 * undefined (or a function or symbol) is null. A BigInt or a cycle, which
 * Enfyra's isolate cannot stringify, and a function inside an object (which
 * the bridge here cannot drop as JSON would) are a TypeError naming the argument.
 */
export function jsonArg(args: readonly HostArg[], index: number): unknown {
  if (index >= args.length) return undefined;
  const value = args[index];
  if (value === undefined) return null;
  if (!isUnrepresentable(value)) return value;
  if ((value.kind === 'function' || value.kind === 'symbol') && value.detail.endsWith('top level')) return null;
  throw new TypeError(`argument ${index + 1} cannot cross to the host as JSON (${value.describe()})`);
}

function describe(value: unknown): string {
  if (isUnrepresentable(value)) return `an unrepresentable value (${value.describe()})`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** `got` overrides the description of `value` (e.g. to keep a password out of the message). */
export function typeError(helper: string, name: string, expected: string, value: unknown, got = describe(value)): TypeError {
  return new TypeError(`${helper}: ${name} must be ${expected}, got ${got}`);
}

export function rangeError(helper: string, name: string, expected: string, value: unknown, got = describe(value)): RangeError {
  return new RangeError(`${helper}: ${name} must be ${expected}, got ${got}`);
}

export function stringArg(value: unknown, helper: string, name: string): string {
  if (typeof value !== 'string') throw typeError(helper, name, 'a string', value);
  return value;
}

export function nonEmptyStringArg(value: unknown, helper: string, name: string): string {
  if (stringArg(value, helper, name) === '') throw rangeError(helper, name, 'a non-empty string', value);
  return value as string;
}

export function numberArg(value: unknown, helper: string, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(helper, name, 'a number', value);
  return value;
}

export function integerArg(value: unknown, helper: string, name: string, min: number, max: number): number {
  const bounds = `an integer from ${min} to ${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(helper, name, bounds, value);
  if (value < min || value > max) throw rangeError(helper, name, bounds, value);
  return value;
}

export function objectArg(value: unknown, helper: string, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isUnrepresentable(value)) {
    throw typeError(helper, name, 'a plain object', value);
  }
  return value as Record<string, unknown>;
}
