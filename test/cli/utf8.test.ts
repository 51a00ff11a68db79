/** Text files must be UTF-8: the check every reader of hooks, fixtures and configs goes through. */
import { describe, expect, it } from 'vitest';
import { decodeUtf8, NotUtf8Error } from '../../runtime/shared/utf8.ts';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

function problem(input: Buffer): { line: number; column: number; byte: number } {
  try {
    decodeUtf8(input);
  } catch (err) {
    if (err instanceof NotUtf8Error) return { line: err.line, column: err.column, byte: err.byte };
    throw err;
  }
  throw new Error('expected a NotUtf8Error');
}

describe('decodeUtf8', () => {
  it('decodes UTF-8, multi-byte characters included, and drops a byte-order mark', () => {
    expect(decodeUtf8(bytes('héllo ✓ 😀'))).toBe('héllo ✓ 😀');
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], 'x'))).toBe('x');
  });

  it.each([
    ['Latin-1 é after UTF-8 characters', bytes('ok ✓\nça', [0xe9], '!'), { line: 2, column: 3, byte: 0xe9 }],
    ['a lone continuation byte', bytes('a', [0x80]), { line: 1, column: 2, byte: 0x80 }],
    ['an overlong encoding', bytes([0xc0, 0xaf]), { line: 1, column: 1, byte: 0xc0 }],
    ['a UTF-16 surrogate encoded in UTF-8', bytes('x', [0xed, 0xa0, 0x80]), { line: 1, column: 2, byte: 0xed }],
    ['a sequence cut off at the end', bytes('ab', [0xe2, 0x9c]), { line: 1, column: 3, byte: 0xe2 }],
    ['UTF-16 with its byte-order mark', Buffer.from('\ufeffhi', 'utf16le'), { line: 1, column: 1, byte: 0xff }],
  ])('refuses %s, naming the line, column and byte', (_label, input, expected) => {
    expect(problem(input)).toEqual(expected);
  });
});
