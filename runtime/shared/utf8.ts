/**
 * Text files (hooks, fixtures, config) are UTF-8. A file in another encoding
 * (Latin-1, UTF-16 from a Windows editor) is refused with the spot of the
 * first byte that is not UTF-8, rather than decoded with replacement
 * characters that would silently change string literals.
 */
import { readFileSync } from 'node:fs';

export class NotUtf8Error extends Error {
  override readonly name = 'NotUtf8Error';
  /** 1-based line and column (in characters) of the first offending byte. */
  readonly line: number;
  readonly column: number;
  readonly byte: number;

  constructor(line: number, column: number, byte: number) {
    super(`not UTF-8 text: byte 0x${byte.toString(16).padStart(2, '0')} at line ${line}, column ${column} (save the file as UTF-8)`);
    this.line = line;
    this.column = column;
    this.byte = byte;
  }
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of UTF-8 bytes (a leading byte-order mark dropped); throws NotUtf8Error. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    throw firstBadByte(bytes);
  }
}

/** readFileSync + decodeUtf8: file system errors as they come, NotUtf8Error for other encodings. */
export function readUtf8File(file: string): string {
  return decodeUtf8(readFileSync(file));
}

function firstBadByte(bytes: Uint8Array): NotUtf8Error {
  const at = firstInvalidOffset(bytes);
  const lines = new TextDecoder('utf-8').decode(bytes.subarray(0, at)).split('\n');
  return new NotUtf8Error(lines.length, [...lines.at(-1)!].length + 1, bytes[at] ?? 0);
}

/** Where the first byte sequence that is not well-formed UTF-8 starts (RFC 3629's table). */
function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Continuation bytes needed, and the range the first one must fall in (no overlongs, no surrogates).
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      if (k === 1 ? next < low || next > high : (next & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return 0;
}
