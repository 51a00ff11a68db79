/**
 * Helper arguments: as Enfyra's host receives them (jsonArg), and the checks
 * the helpers that are stricter than Enfyra's keep ($bcrypt). Messages name
 * the helper and the argument; a wrong type is a TypeError, a well-typed
 * value out of bounds a RangeError.
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
