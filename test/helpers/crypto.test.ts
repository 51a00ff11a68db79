import { describe, expect, it } from 'vitest';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import { helpers } from './support.ts';

const call = helpers();
const crypto = (name: string, ...args: unknown[]) => call(`$helpers.$crypto.${name}`, ...args);

describe('$helpers.$crypto.randomUUID', () => {
  it('returns distinct v4 UUIDs', () => {
    const a = crypto('randomUUID');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(crypto('randomUUID')).not.toBe(a);
  });
});

describe('$helpers.$crypto.randomBytes', () => {
  it('encodes as hex by default, or base64 / base64url', () => {
    expect(crypto('randomBytes', 16)).toMatch(/^[0-9a-f]{32}$/);
    expect(crypto('randomBytes', 16, 'hex')).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(crypto('randomBytes', 16, 'base64') as string, 'base64')).toHaveLength(16);
    expect(crypto('randomBytes', 48, 'base64url')).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(crypto('randomBytes', 16)).not.toBe(crypto('randomBytes', 16));
  });

  it('accepts 0 to 4096 bytes', () => {
    expect(crypto('randomBytes', 0)).toBe('');
    expect(crypto('randomBytes', 4096)).toHaveLength(8192);
  });

  it.each([4097, -1, 1e9])('rejects size %j with a RangeError', (size) => {
    expect(() => crypto('randomBytes', size)).toThrow(RangeError);
    expect(() => crypto('randomBytes', size)).toThrow(/\$helpers\.\$crypto\.randomBytes: size must be an integer from 0 to 4096/);
  });

  it.each([1.5, '16', undefined, null, Number.NaN, Infinity])('rejects size %j with a TypeError', (size) => {
    expect(() => crypto('randomBytes', size)).toThrow(TypeError);
    expect(() => crypto('randomBytes', size)).toThrow(/randomBytes: size/);
  });
});

describe('$helpers.$crypto.sha256', () => {
  it('hashes UTF-8 text (FIPS 180-2 "abc" vector)', () => {
    expect(crypto('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(crypto('sha256', 'abc', 'base64')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(crypto('sha256', 'abc', 'base64url')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(crypto('sha256', '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each([123, null, undefined, { a: 1 }, new Unrepresentable('bigint', 'BigInt at .')])('rejects data %j', (data) => {
    expect(() => crypto('sha256', data)).toThrow(TypeError);
    expect(() => crypto('sha256', data)).toThrow(/\$helpers\.\$crypto\.sha256: data must be a string/);
  });
});

describe('$helpers.$crypto.hmacSha256', () => {
  const fox = 'The quick brown fox jumps over the lazy dog';

  it('computes HMAC-SHA256', () => {
    expect(crypto('hmacSha256', fox, 'key')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(crypto('hmacSha256', fox, 'key', 'base64')).toBe(
      Buffer.from('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'hex').toString('base64'),
    );
  });

  it('rejects bad data and keys, naming the argument', () => {
    expect(() => crypto('hmacSha256', 1, 'key')).toThrow(/hmacSha256: data must be a string/);
    expect(() => crypto('hmacSha256', fox, 42)).toThrow(TypeError);
    expect(() => crypto('hmacSha256', fox, 42)).toThrow(/hmacSha256: key must be a string/);
    expect(() => crypto('hmacSha256', fox, '')).toThrow(RangeError);
    expect(() => crypto('hmacSha256', fox)).toThrow(/hmacSha256: key/);
  });
});

describe('$helpers.$crypto encodings', () => {
  it.each([
    ['randomBytes', [8]],
    ['sha256', ['x']],
    ['hmacSha256', ['x', 'k']],
  ])('%s rejects an unknown encoding', (name, args) => {
    for (const encoding of ['utf8', 'latin1', 'HEX', null, 1]) {
      expect(() => crypto(name, ...args, encoding)).toThrow(TypeError);
      expect(() => crypto(name, ...args, encoding)).toThrow(
        new RegExp(`\\$crypto\\.${name}: encoding must be one of hex, base64, base64url`),
      );
    }
  });
});
