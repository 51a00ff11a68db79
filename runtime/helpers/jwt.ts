/** `$helpers.$jwt(payload, expiresIn)`: an HS256 token signed with `helpers.jwtSecret`. */
import { helpersSchema } from '../config/schema.ts';
import { objectArg, typeError } from './args.ts';

const HELPER = '$helpers.$jwt';

export const PLACEHOLDER_JWT_SECRET: string = helpersSchema.parse({}).jwtSecret;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const SPAN = /^(\d+)([smhd])$/;
/** Ten years: far beyond any sensible token, well inside jose's safe range. */
const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 86_400;

/** `'15m' '1h' '7d' '30s'` or a whole number of seconds. */
export function expiresInSeconds(value: unknown): number {
  const expected = `a span like '30s', '15m', '1h', '7d' or a whole number of seconds from 1 to ${MAX_EXPIRES_IN_SECONDS}`;
  let seconds: number | undefined;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const match = SPAN.exec(value.trim());
    if (match) seconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  }
  if (seconds === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_IN_SECONDS) {
    throw typeError(HELPER, 'expiresIn', expected, value);
  }
  return seconds;
}

export function createJwtSigner(secret: string, mode: 'development' | 'production') {
  const key = new TextEncoder().encode(secret);
  return async (payload: unknown, expiresIn: unknown): Promise<string> => {
    const claims = objectArg(payload, HELPER, 'payload');
    const lifetime = expiresInSeconds(expiresIn);
    if (mode === 'production' && secret === PLACEHOLDER_JWT_SECRET) {
      throw new Error(
        `${HELPER}: refusing to sign with the placeholder helpers.jwtSecret in production mode; set helpers.jwtSecret in the config`,
      );
    }
    const now = Math.floor(Date.now() / 1000);
    // jose is loaded on first use (~25 ms of start-up otherwise).
    const { SignJWT } = await import('jose');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(key);
  };
}
