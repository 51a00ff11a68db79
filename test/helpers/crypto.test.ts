import { createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { helpers } from './support.ts';

const call = helpers();
const crypto = (name: string, ...args: unknown[]) => call(`$helpers.$crypto.${name}`, ...args);
/** The call, and the warning codes it left. */
function warned(name: string, ...args: unknown[]): { value: unknown; codes: string[] } {
  const scope = new Scope();
  const value = helpers({}, scope)(`$helpers.$crypto.${name}`, ...args);
  return { value, codes: scope.warnings.map((w) => w.code) };
}

describe('$helpers.$crypto.randomUUID', () => {
  it('returns distinct v4 UUIDs', () => {
    const a = crypto('randomUUID');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(crypto('randomUUID')).not.toBe(a);
  });
});

describe("$helpers.$crypto.randomBytes: Enfyra's leniency", () => {
  it('encodes as hex by default, or base64 / base64url', () => {
    expect(crypto('randomBytes', 16)).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(crypto('randomBytes', 16, 'base64') as string, 'base64')).toHaveLength(16);
    expect(crypto('randomBytes', 48, 'base64url')).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(crypto('randomBytes', 16)).not.toBe(crypto('randomBytes', 16));
  });

  it('defaults to 32 bytes, without a warning', () => {
    expect(warned('randomBytes')).toMatchObject({ value: expect.stringMatching(/^[0-9a-f]{64}$/), codes: [] });
    expect((crypto('randomBytes', null) as string).length).toBe(64);
  });

  it.each([
    [5000, 4096],
    [4097, 4096],
    [-1, 1],
    [0, 32],
    [16.9, 16],
    ['16', 16],
    ['lots', 32],
    [Number.NaN, 32],
  ])('size %j gives %i bytes, and warns when that is not what was asked', (size, bytes) => {
    const { value, codes } = warned('randomBytes', size);
    expect(value).toHaveLength(bytes * 2);
    expect(codes).toStrictEqual(size === bytes ? [] : ['helpers.crypto-lenient']);
  });
});

describe('$helpers.$crypto.sha256 / hmacSha256', () => {
  const fox = 'The quick brown fox jumps over the lazy dog';

  it('hashes UTF-8 text (FIPS 180-2 "abc" vector) in each encoding', () => {
    expect(crypto('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(crypto('sha256', 'abc', 'base64')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(crypto('sha256', 'abc', 'base64url')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('hashes String(value), as Enfyra does: numbers, null, objects', () => {
    expect(crypto('sha256', 123)).toBe(crypto('sha256', '123'));
    expect(crypto('sha256', null)).toBe(crypto('sha256', 'null'));
    expect(crypto('sha256', undefined)).toBe(crypto('sha256', 'null'));
    expect(crypto('sha256')).toBe(crypto('sha256', 'undefined'));
    expect(crypto('sha256', { a: 1 })).toBe(crypto('sha256', '[object Object]'));
  });

  it('computes HMAC-SHA256, the secret as String(secret)', () => {
    expect(crypto('hmacSha256', fox, 'key')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(crypto('hmacSha256', fox, 42)).toBe(crypto('hmacSha256', fox, '42'));
    expect(crypto('hmacSha256', fox, '')).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['randomBytes', [8]],
    ['sha256', ['x']],
    ['hmacSha256', ['x', 'k']],
  ])('%s: an unknown encoding silently becomes hex here too, with a warning', (name, args) => {
    for (const encoding of ['utf8', 'latin1', 'HEX', 1]) {
      const { value, codes } = warned(name, ...args, encoding);
      expect(value).toMatch(/^[0-9a-f]+$/);
      expect(codes).toStrictEqual(['helpers.crypto-lenient']);
    }
  });
});

describe('$helpers.$crypto.generateSshKeyPair', () => {
  it('gives an OpenSSH RSA public key (with the comment) and its PKCS#1 private key', async () => {
    const pair = (await crypto('generateSshKeyPair', 'deploy@host')) as { publicKey: string; privateKey: string };
    expect(pair.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    const [type, blob, comment] = pair.publicKey.split(' ');
    expect([type, comment]).toStrictEqual(['ssh-rsa', 'deploy@host']);

    // Decode the SSH blob (string "ssh-rsa", mpint e, mpint n) and check it is the private key's public half.
    const bytes = Buffer.from(blob!, 'base64');
    const fields: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      fields.push(bytes.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    expect(fields).toHaveLength(3);
    expect(fields[0]!.toString()).toBe('ssh-rsa');
    const jwk = createPublicKey(createPrivateKey(pair.privateKey)).export({ format: 'jwk' });
    expect(fields[1]!.toString('base64url')).toBe(jwk.e);
    expect(fields[2]![0]).toBe(0); // mpint: the modulus's top bit is set, so a zero byte leads
    expect(fields[2]!.subarray(1).toString('base64url')).toBe(jwk.n);
    expect(fields[2]!.length - 1).toBe(512); // 4096 bits

    const signature = createSign('sha256').update('x').sign(pair.privateKey);
    expect(createVerify('sha256').update('x').verify(createPublicKey(pair.privateKey), signature)).toBe(true);
  }, 60_000);

  it('leaves the comment out when there is none', async () => {
    const pair = (await crypto('generateSshKeyPair')) as { publicKey: string };
    expect(pair.publicKey.split(' ')).toHaveLength(2);
  }, 60_000);
});
