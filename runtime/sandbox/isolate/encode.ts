/**
 * Values leaving the isolate, as JSON text. What JSON cannot carry (a function, a symbol, a BigInt, a
 * cycle, a getter or toJSON that throws) becomes a `[kind, detail]` pair instead of an exception.
 */
import type { ArgSpecials, UnrepresentableKind } from '../protocol.ts';
import { reflectApply, stringIncludes, stringify } from './intrinsics.ts';
import { safeMessage } from './errors.ts';

/** Why a value has no JSON text, and where. */
export type Unencodable = [kind: UnrepresentableKind, detail: string];

function unrepresentable(value: unknown, path: string): Unencodable | null {
  const t = typeof value;
  if (t === 'function') return ['function', `function at ${path || 'top level'}`];
  if (t === 'symbol') return ['symbol', `symbol at ${path || 'top level'}`];
  if (t === 'bigint') return ['bigint', `BigInt at ${path || 'top level'}`];
  return null;
}

/** JSON text of `value`, or a [kind, detail] pair saying why it has none. */
export function encode(value: unknown): string | Unencodable {
  const top = unrepresentable(value, '');
  if (top) return top;
  let bad: Unencodable | null = null;
  let text: string | undefined;
  try {
    text = stringify(value, function (this: unknown, key: string, v: unknown) {
      if (bad) return undefined;
      const why = unrepresentable(v, key === '' ? '' : '.' + key);
      if (why) {
        bad = why;
        return undefined;
      }
      return v;
    });
  } catch (err) {
    const message = safeMessage(err);
    if (reflectApply(stringIncludes, message, ['circular'])) return ['circular', 'circular structure'];
    return ['unserializable', message];
  }
  if (bad) return bad;
  return text === undefined ? 'null' : text;
}

/** A host call's arguments: their JSON array, and the JSON of those it cannot carry (ArgSpecials; '' when none). */
export function encodeArgs(args: unknown[]): [argsJson: string, specialsJson: string] {
  let json = '[';
  let specials: ArgSpecials | null = null;
  for (let i = 0; i < args.length; i++) {
    const value = args[i];
    let part = 'null';
    if (value === undefined) {
      (specials ||= { __proto__: null } as ArgSpecials)[i] = ['undefined', ''];
    } else {
      const enc = encode(value);
      if (typeof enc === 'string') part = enc;
      else (specials ||= { __proto__: null } as ArgSpecials)[i] = enc;
    }
    json += (i ? ',' : '') + part;
  }
  return [json + ']', specials ? stringify(specials) : ''];
}

/**
 * JSON text of a value leaving as data (the result, `$body`, details): JSON.stringify's own rules, as
 * Enfyra copies it (a function member is dropped, a function in an array becomes null). A top-level
 * function or symbol, a BigInt or a cycle gives [kind, detail] instead.
 */
export function encodeResult(value: unknown): string | Unencodable {
  const top = unrepresentable(value, '');
  if (top) return top;
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (err) {
    const message = safeMessage(err);
    if (reflectApply(stringIncludes, message, ['circular'])) return ['circular', 'circular structure'];
    if (reflectApply(stringIncludes, message, ['BigInt'])) return ['bigint', 'BigInt'];
    return ['unserializable', message];
  }
  return text === undefined ? 'null' : text;
}
