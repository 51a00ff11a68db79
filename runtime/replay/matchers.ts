/**
 * Matchers inside expected values: an object with exactly one key, that key
 * one of these names. Anything else is a literal value.
 *
 *   { "$any": true }            present, any value
 *   { "$absent": true }         not present (object field, cache key, table row)
 *   { "$type": "string" }       string number integer boolean object array null
 *   { "$regex": "^ab" }         a string matching the pattern
 *   { "$match": { ... } }       subset match at this spot (inside an exact `data`)
 */
import { isPlainObject, typeOf } from '../shared/json-value.ts';

export const MATCHER_NAMES = ['$any', '$absent', '$type', '$regex', '$match'] as const;
export type MatcherName = (typeof MATCHER_NAMES)[number];
export const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;

export type Matcher =
  | { name: '$any' | '$absent' }
  | { name: '$type'; type: (typeof VALUE_TYPES)[number] }
  | { name: '$regex'; regex: RegExp }
  | { name: '$match'; value: unknown };

/** The matcher `value` spells, or null for a literal. Throws MatcherError for a malformed matcher. */
export function asMatcher(value: unknown): Matcher | null {
  if (!isPlainObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(MATCHER_NAMES as readonly string[]).includes(keys[0]!)) return null;
  const name = keys[0] as MatcherName;
  const arg = value[name];
  switch (name) {
    case '$any':
    case '$absent':
      if (arg !== true) throw new MatcherError(`${name} takes true`);
      return { name };
    case '$type':
      if (!(VALUE_TYPES as readonly unknown[]).includes(arg)) throw new MatcherError(`$type takes one of ${VALUE_TYPES.join(', ')}`);
      return { name, type: arg as (typeof VALUE_TYPES)[number] };
    case '$regex':
      if (typeof arg !== 'string') throw new MatcherError('$regex takes a pattern string');
      try {
        return { name, regex: new RegExp(arg) };
      } catch (err) {
        throw new MatcherError(`$regex: ${(err as Error).message}`);
      }
    case '$match':
      return { name, value: arg };
  }
}

export class MatcherError extends Error {
  override readonly name = 'MatcherError';
}

/** Every matcher inside `value`, checked; returns the path of the first bad one with its message, or null. */
export function findBadMatcher(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; message: string } | null {
  try {
    const matcher = asMatcher(value);
    if (matcher) return matcher.name === '$match' ? findBadMatcher(matcher.value, [...path, '$match']) : null;
  } catch (err) {
    return { path, message: (err as Error).message };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadMatcher(value[i], [...path, i]);
      if (bad) return bad;
    }
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const bad = findBadMatcher(item, [...path, key]);
      if (bad) return bad;
    }
  }
  return null;
}

/** Whether `actual` (undefined: not present) satisfies a non-$match matcher. */
export function satisfies(matcher: Exclude<Matcher, { name: '$match' }>, actual: unknown): boolean {
  switch (matcher.name) {
    case '$any':
      return actual !== undefined;
    case '$absent':
      return actual === undefined;
    case '$type':
      return matcher.type === 'integer' ? Number.isInteger(actual) : actual !== undefined && typeOf(actual) === matcher.type;
    case '$regex':
      return typeof actual === 'string' && matcher.regex.test(actual);
  }
}
