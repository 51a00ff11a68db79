/**
 * Script values <-> stored strings. Values are stored as JSON, so a string
 * "123" is stored as `"123"` and reads back as a string. Decoding is tolerant:
 * a raw non-JSON string written by another process reads back as that string.
 */

/** JSON text of `value`, or undefined when JSON has no text for it (undefined, a function, a symbol). Throws TypeError for BigInt and cycles. */
export function encode(value: unknown): string | undefined {
  return JSON.stringify(value);
}

export function decode(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Whether the UTF-8 encoding of `text` is longer than `maxBytes`, without encoding it when the length alone decides. */
export function exceedsBytes(text: string, maxBytes: number): boolean {
  // Each UTF-16 code unit takes 1 to 3 UTF-8 bytes.
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, 'utf8') > maxBytes;
}
