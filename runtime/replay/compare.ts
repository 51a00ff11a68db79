/**
 * Expected vs actual JSON values. `exact`: same shape, no extra fields.
 * `subset`: every field the expectation names must match; other fields of the
 * actual object are ignored (arrays still match element by element, same
 * length). Matchers (matchers.ts) work in both modes.
 */
import type { PathSegment } from '../shared/field-path.ts';
import { isPlainObject, ownValue } from '../shared/json-value.ts';
import { asMatcher, satisfies } from './matchers.ts';

export type Mode = 'exact' | 'subset';

export interface Mismatch {
  /** Where, from the step's point of view: ['data', 'items', 0, 'price'], ['cache', 'user:1']. */
  path: PathSegment[];
  /** The expectation (a value or a matcher); undefined when the actual has a field the expectation lacks. */
  expected: unknown;
  /** The actual value; undefined when absent. */
  actual: unknown;
}

/** Mismatches stop being collected past this many per comparison (the report stays readable). */
export const MAX_MISMATCHES = 20;

export function compare(expected: unknown, actual: unknown, mode: Mode, path: PathSegment[] = []): Mismatch[] {
  const out: Mismatch[] = [];
  walk(expected, actual, mode, path, out);
  return out;
}

export function matches(expected: unknown, actual: unknown, mode: Mode): boolean {
  return compare(expected, actual, mode).length === 0;
}

function walk(expected: unknown, actual: unknown, mode: Mode, path: PathSegment[], out: Mismatch[]): void {
  if (out.length >= MAX_MISMATCHES) return;
  const miss = () => out.push({ path, expected, actual });
  const matcher = asMatcher(expected);
  if (matcher) {
    if (matcher.name === '$match') {
      if (isPlainObject(actual) || Array.isArray(actual)) walk(matcher.value, actual, 'subset', path, out);
      else miss();
    } else if (!satisfies(matcher, actual)) miss();
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return void miss();
    expected.forEach((item, i) => walk(item, actual[i], mode, [...path, i], out));
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return void miss();
    for (const [key, item] of Object.entries(expected)) walk(item, ownValue(actual, key), mode, [...path, key], out);
    if (mode === 'exact') {
      for (const key of Object.keys(actual)) {
        if (!Object.hasOwn(expected, key) && out.length < MAX_MISMATCHES) {
          out.push({ path: [...path, key], expected: undefined, actual: actual[key] });
        }
      }
    }
    return;
  }
  if (expected !== actual) miss();
}
