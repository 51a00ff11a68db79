import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_JWT_SECRET } from '../../runtime/helpers/jwt.ts';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import { helpers } from './support.ts';

const SECRET = 'a-real-secret-of-enough-length-1234';
const key = new TextEncoder().encode(SECRET);
const jwt = helpers({ helpers: { jwtSecret: SECRET, bcryptRounds: 4 } });
const sign = (payload: unknown, expiresIn: unknown) => jwt('$helpers.$jwt', payload, expiresIn) as Promise<string>;

describe('$helpers.$jwt', () => {
  it('signs an HS256 token with the configured secret, keeping the claims', async () => {
    const token = await sign({ sub: '42', role: 'admin', nested: { a: [1, 2] } }, '1h');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ sub: '42', role: 'admin', nested: { a: [1, 2] } });
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret-entirely-0000'))).rejects.toThrow();
  });

  it.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604_800],
    [120, 120],
  ])('expiresIn %j lasts %i seconds', async (expiresIn, seconds) => {
    const before = Math.floor(Date.now() / 1000);
    const { payload } = await jwtVerify(await sign({ sub: 'x' }, expiresIn), key);
    expect(payload.exp! - payload.iat!).toBe(seconds);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
  });

  it.each([
    '15x', '', '1.5h', '-5m', '3600', 'h', '1 h', '0s', 0, -1, 1.5, Number.NaN, Infinity, 1e12, null, undefined, {},
  ])('rejects expiresIn %j with a TypeError', async (expiresIn) => {
    await expect(sign({ sub: 'x' }, expiresIn)).rejects.toThrow(TypeError);
    await expect(sign({ sub: 'x' }, expiresIn)).rejects.toThrow(/\$helpers\.\$jwt: expiresIn must be a span like '30s'/);
  });

  it.each([null, 'sub', 42, [1, 2], undefined, new Unrepresentable('function', 'function at .f')])(
    'rejects payload %j with a TypeError',
    async (payload) => {
      await expect(sign(payload, '1h')).rejects.toThrow(TypeError);
      await expect(sign(payload, '1h')).rejects.toThrow(/\$helpers\.\$jwt: payload must be a plain object/);
    },
  );

  describe('the placeholder secret', () => {
    const placeholder = { jwtSecret: PLACEHOLDER_JWT_SECRET, bcryptRounds: 4 };

    it('is the config default', () => {
      expect(PLACEHOLDER_JWT_SECRET).toBe('change-me-dev-secret');
    });

    it('signs in development mode', async () => {
      const dev = helpers({ helpers: placeholder, mode: 'development' });
      await expect(dev('$helpers.$jwt', { sub: 'x' }, '1h')).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('is refused in production mode', async () => {
      const prod = helpers({ helpers: placeholder, mode: 'production' });
      await expect(prod('$helpers.$jwt', { sub: 'x' }, '1h')).rejects.toThrow(
        /\$helpers\.\$jwt: refusing to sign with the placeholder helpers\.jwtSecret in production mode/,
      );
    });

    it('a real secret signs in production mode', async () => {
      const prod = helpers({ helpers: { jwtSecret: SECRET, bcryptRounds: 4 }, mode: 'production' });
      await expect(prod('$helpers.$jwt', { sub: 'x' }, '1h')).resolves.toBeTypeOf('string');
    });
  });
});
