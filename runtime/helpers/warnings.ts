/**
 * The `$helpers` traps: behaviour matched to Enfyra's that surprises a script
 * author (DESIGN §2). Every code the helpers emit is here.
 */
export { warnOnce } from '../shared/diagnostics.ts';

export const HELPER_WARNINGS = {
  /** $rateLimit allowed the request because the store or the options failed, as Enfyra does. */
  rateLimitFailedOpen: 'helpers.rate-limit-failed-open',
  /** $crypto.randomBytes clamped its size or fell back to hex, as Enfyra does. */
  cryptoLenient: 'helpers.crypto-lenient',
  /** $jwt signed a token whose exp is not after its iat ('60' is 60 ms). */
  jwtExpiresAtOnce: 'helpers.jwt-expires-at-once',
} as const;
