import { describe, expect, it } from 'vitest';
import { helpers } from './support.ts';

const call = helpers({ helpers: { jwtSecret: 's', bcryptRounds: 5 } });
const hash = (plain: unknown) => call('$helpers.$bcrypt.hash', plain) as Promise<string>;
const compare = (plain: unknown, hashed: unknown) => call('$helpers.$bcrypt.compare', plain, hashed) as Promise<boolean>;

describe('$helpers.$bcrypt', () => {
  it('hashes with the configured rounds and a fresh salt; compare checks it', async () => {
    const first = await hash('s3cret pässword');
    expect(first).toMatch(/^\$2b\$05\$[./A-Za-z0-9]{53}$/);
    expect(await hash('s3cret pässword')).not.toBe(first);
    expect(await compare('s3cret pässword', first)).toBe(true);
    expect(await compare('s3cret password', first)).toBe(false);
    expect(await compare('', first)).toBe(false);
  });

  it('hashes the empty string and a 72-byte password', async () => {
    expect(await compare('', await hash(''))).toBe(true);
    const longest = 'é'.repeat(36);
    expect(await compare(longest, await hash(longest))).toBe(true);
  });

  it('compare is false for anything that is not a bcrypt hash', async () => {
    for (const stored of ['', 'plain', 'x'.repeat(60), '$2b$03$' + 'a'.repeat(53), '$1$abc']) {
      expect(await compare('pw', stored)).toBe(false);
    }
  });

  it('refuses a hash whose cost would tie up the host', async () => {
    const costly = '$2b$31$' + 'a'.repeat(53);
    await expect(compare('pw', costly)).rejects.toThrow(RangeError);
    await expect(compare('pw', costly)).rejects.toThrow(/\$bcrypt\.compare: hash must be a bcrypt hash of cost at most 15, got cost 31/);
  });

  it('refuses passwords bcrypt would truncate, without echoing them', async () => {
    const tooLong = 'secret-' + 'x'.repeat(70);
    await expect(hash(tooLong)).rejects.toThrow(RangeError);
    await expect(hash(tooLong)).rejects.toThrow(/\$bcrypt\.hash: plain must be at most 72 bytes in UTF-8, got 77 bytes/);
    await expect(compare(tooLong, await hash('x'))).rejects.toThrow(/\$bcrypt\.compare: plain must be at most 72 bytes/);
    await expect(hash(tooLong)).rejects.not.toThrow(/secret-/);
  });

  it.each([undefined, null, 123, { p: 1 }])('rejects plain %j with a TypeError', async (plain) => {
    await expect(hash(plain)).rejects.toThrow(TypeError);
    await expect(hash(plain)).rejects.toThrow(/\$bcrypt\.hash: plain must be a string/);
    await expect(compare(plain, '$2b$05$' + 'a'.repeat(53))).rejects.toThrow(/\$bcrypt\.compare: plain must be a string/);
  });

  it.each([undefined, null, 60])('rejects hash %j with a TypeError', async (hashed) => {
    await expect(compare('pw', hashed)).rejects.toThrow(TypeError);
    await expect(compare('pw', hashed)).rejects.toThrow(/\$bcrypt\.compare: hash must be a string/);
  });
});
