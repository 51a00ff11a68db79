/**
 * Script values <-> stored strings, as Enfyra's user cache does it: a string
 * is stored as it is, anything else as JSON; reading parses JSON and falls
 * back to the raw text. So `'123'` reads back as the number 123 and `'true'`
 * as `true` (see warnings.ts), and a raw string another process wrote reads
 * back as that string.
 */

/** The stored text of a value. `undefined` (an omitted argument) has none. */
export function encode(value: unknown): string | undefined {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function decode(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Whether a stored string reads back as something other than itself (`'123'`, `'null'`, `'"a"'`). */
export function readsBackChanged(value: string): boolean {
  return decode(value) !== value;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
