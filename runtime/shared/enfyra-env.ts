/**
 * What Enfyra 2.2 does with the environment a script sees: `$ctx.$env` is
 * the server's `process.env` minus exactly these five names
 * (ENV_EXPOSE_DENY_KEYS in shared/services/dynamic-context.factory.ts).
 * Everything else — API keys, tokens, other connection strings — is readable
 * by every script.
 */
export const ENFYRA_HIDDEN_ENV: readonly string[] = ['DB_URI', 'DB_REPLICA_URIS', 'REDIS_URI', 'SECRET_KEY', 'ADMIN_PASSWORD'];

/** Names that usually hold a secret or a connection string (used to warn, never to hide). */
const SECRET_LIKE_NAME =
  /(_URLS?|_URIS?|_DSN)$|SECRET|PASSW(OR)?D|PASSPHRASE|TOKEN|(^|_)(API_?)?KEYS?($|_)|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION|SALT|CERT/i;

export function looksSecret(name: string): boolean {
  return SECRET_LIKE_NAME.test(name);
}
