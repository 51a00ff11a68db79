/**
 * Snapshot-style update of one expected value from the actual one: whatever
 * already matches is kept as written (matchers included), the rest becomes
 * the actual value. `subset` keeps to the fields the expectation names.
 */
import { matches, type Mode } from './compare.ts';
import { isPlainObject } from '../shared/json-value.ts';
import { asMatcher } from './matchers.ts';

/** The spelling of "not present" in an expectation. */
export const ABSENT = Object.freeze({ $absent: true });

export function refresh(expected: unknown, actual: unknown, mode: Mode): unknown {
  if (matches(expected, actual, mode)) return expected;
  if (actual === undefined) return ABSENT;
  const matcher = asMatcher(expected);
  if (matcher?.name === '$match' && (isPlainObject(actual) || Array.isArray(actual))) {
    return { $match: refresh(matcher.value, actual, 'subset') };
  }
  if (matcher) return actual;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item, i) => (i < expected.length ? refresh(expected[i], item, mode) : item));
  }
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(expected)) {
      const value = Object.hasOwn(actual, key) ? actual[key] : undefined;
      // A field the actual lacks is dropped, unless the expectation says it is absent.
      if (value === undefined && asMatcher(item)?.name !== '$absent') continue;
      out[key] = refresh(item, value, mode);
    }
    if (mode === 'exact') for (const [key, value] of Object.entries(actual)) if (!Object.hasOwn(out, key)) out[key] = value;
    return out;
  }
  return actual;
}
