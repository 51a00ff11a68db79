/**
 * `$helpers.$jwt(payload, expiresIn)` as Enfyra signs it (DCF:288-291):
 * jsonwebtoken's `sign(payload, SECRET_KEY, { expiresIn })`, HS256. So
 * `expiresIn` is a number of seconds or an `ms` span ('15m', '1w', '2 days'),
 * parsed by the `ms` that jsonwebtoken 9.0.3 bundles (2.1.3, as in Enfyra),
 * and jsonwebtoken's own errors reach the script. The secret is
 * `helpers.jwtSecret` (SECRET_KEY in the environment overrides it).
 */
import type { InvocationScope } from '../sandbox/host-module.ts';
import { helpersSchema } from '../config/schema.ts';
import { HELPER_WARNINGS, warnOnce } from './warnings.ts';

const HELPER = '$helpers.$jwt';

export const PLACEHOLDER_JWT_SECRET: string = helpersSchema.parse({}).jwtSecret;

export function createJwtSigner(secret: string, mode: 'development' | 'production') {
  return async (payload: unknown, expiresIn: unknown, scope: InvocationScope): Promise<string> => {
    if (mode === 'production' && secret === PLACEHOLDER_JWT_SECRET) {
      throw new Error(
        `${HELPER}: refusing to sign with the placeholder helpers.jwtSecret in production mode; set helpers.jwtSecret or SECRET_KEY`,
      );
    }
    // jsonwebtoken is loaded on first use, not at start-up.
    const jwt = (await import('jsonwebtoken')).default;
    const token = jwt.sign(payload as object, secret, { expiresIn: expiresIn as number });
    const claims = jwt.decode(token) as { iat?: number; exp?: number } | null;
    if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp <= claims.iat) {
      const why = typeof expiresIn === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(expiresIn)
        ? `a number in a string is milliseconds to ms ('${expiresIn}' is ${expiresIn} ms)`
        : `expiresIn ${JSON.stringify(expiresIn)} is not in the future`;
      warnOnce(scope, HELPER_WARNINGS.jwtExpiresAtOnce, `${HELPER}: the token expires as it is issued: ${why}; pass seconds as a number or a span like '60s'`);
    }
    return token;
  };
}
