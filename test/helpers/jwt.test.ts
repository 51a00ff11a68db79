import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_JWT_SECRET } from '../../runtime/helpers/jwt.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { helpers } from './support.ts';

const SECRET = 'a-real-secret-of-enough-length-1234';
const signer = (scope = new Scope()) => helpers({ helpers: { jwtSecret: SECRET, bcryptRounds: 4 } }, scope);
const sign = (...args: unknown[]) => signer()('$helpers.$jwt', ...args) as Promise<string>;
const lifetime = (token: string) => {
  const claims = jwt.verify(token, SECRET, { ignoreExpiration: true }) as { iat: number; exp: number };
  return claims.exp - claims.iat;
};

describe('$helpers.$jwt: signed as Enfyra signs (jsonwebtoken, HS256)', () => {
  it('signs an HS256 token with the configured secret, keeping the claims', async () => {
    const token = await sign({ sub: '42', role: 'admin', nested: { a: [1, 2] } }, '1h');
    expect(jwt.decode(token, { complete: true })!.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(jwt.verify(token, SECRET, { algorithms: ['HS256'] })).toMatchObject({ sub: '42', role: 'admin', nested: { a: [1, 2] } });
    expect(() => jwt.verify(token, 'another-secret-entirely-0000')).toThrow('invalid signature');
  });

  it.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604_800],
    ['1w', 604_800],
    ['2 days', 172_800],
    ['1.5h', 5400],
    ['1 hour', 3600],
    [120, 120],
  ])('expiresIn %j lasts %i seconds (ms syntax)', async (expiresIn, seconds) => {
    expect(lifetime(await sign({ sub: 'x' }, expiresIn))).toBe(seconds);
  });

  it('a number in a string is milliseconds (ms syntax): the token expires at once, and warns', async () => {
    const scope = new Scope();
    const token = (await signer(scope)('$helpers.$jwt', { sub: 'x' }, '3600')) as string;
    expect(lifetime(token)).toBe(3);
    const instant = (await signer(scope)('$helpers.$jwt', { sub: 'x' }, '60')) as string;
    expect(lifetime(instant)).toBe(0);
    expect(scope.warnings).toStrictEqual([
      expect.objectContaining({ code: 'helpers.jwt-expires-at-once', message: expect.stringContaining("'60' is 60 ms") }),
    ]);
  });

  it.each([
    ['soon', '"expiresIn" should be a number of seconds or string representing a timespan'],
    [1.5, '"expiresIn" should be a number of seconds or string representing a timespan'],
    [null, '"expiresIn" should be a number of seconds or string representing a timespan'],
    [undefined, '"expiresIn" should be a number of seconds or string representing a timespan'],
  ])("rejects expiresIn %j with jsonwebtoken's error", async (expiresIn, message) => {
    await expect(sign({ sub: 'x' }, expiresIn)).rejects.toThrow(message);
  });

  it('without expiresIn at all it fails as in Enfyra', async () => {
    await expect(sign({ sub: 'x' })).rejects.toThrow('"expiresIn" should be a number of seconds');
  });

  it.each([
    [null, 'Expected "payload" to be a plain object.'],
    [[1, 2], 'Expected "payload" to be a plain object.'],
    ['sub', 'invalid expiresIn option for string payload'],
    [{ sub: 'x', exp: 5 }, 'Bad "options.expiresIn" option the payload already has an "exp" property.'],
  ])("rejects payload %j with jsonwebtoken's error", async (payload, message) => {
    await expect(sign(payload, '1h')).rejects.toThrow(message);
  });

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
  });
});
