import { describe, expect, it } from 'vitest';
import { sanitizeEnv } from '../../runtime/context/env.ts';
import { ENFYRA_HIDDEN_ENV, looksSecret } from '../../runtime/shared/enfyra-env.ts';

describe('$env', () => {
  const processEnv = {
    DB_URI: 'mysql://root@db/enfyra',
    DB_REPLICA_URIS: 'mysql://replica/enfyra',
    REDIS_URI: 'redis://cache:6379',
    SECRET_KEY: 'jwt-secret',
    ADMIN_PASSWORD: 'changeme',
    STRIPE_SECRET_KEY: 'sk_test',
    PROBE_PUBLIC_KEY: 'pk',
    PROBE_URL: 'https://probe',
    DB_URI_BACKUP: 'kept',
    db_uri: 'kept (names are case-sensitive)',
    NODE_ENV: 'test',
    EMPTY: '',
    UNSET: undefined,
  };

  it('is the environment minus exactly the five names Enfyra hides (and nothing that merely looks secret)', () => {
    expect(sanitizeEnv(processEnv)).toEqual({
      STRIPE_SECRET_KEY: 'sk_test',
      PROBE_PUBLIC_KEY: 'pk',
      PROBE_URL: 'https://probe',
      DB_URI_BACKUP: 'kept',
      db_uri: 'kept (names are case-sensitive)',
      NODE_ENV: 'test',
      EMPTY: '',
    });
    expect(ENFYRA_HIDDEN_ENV).toEqual(['DB_URI', 'DB_REPLICA_URIS', 'REDIS_URI', 'SECRET_KEY', 'ADMIN_PASSWORD']);
  });

  it('also hides the config\'s envDeny names, exact or PREFIX*', () => {
    expect(Object.keys(sanitizeEnv(processEnv, ['STRIPE_SECRET_KEY', 'PROBE_*']))).toEqual(['DB_URI_BACKUP', 'db_uri', 'NODE_ENV', 'EMPTY']);
  });
});

describe('looksSecret (warnings only)', () => {
  it.each(['API_KEY', 'APIKEY', 'PRIVATE_KEY', 'STRIPE_SECRET', 'GITHUB_TOKEN', 'DB_PASSWORD', 'DB_PASSWD', 'DATABASE_URL', 'REPLICA_URIS', 'SENTRY_DSN', 'SESSION_SALT', 'OAUTH_CLIENT', 'KEY'])('%s looks secret', (name) => {
    expect(looksSecret(name)).toBe(true);
  });

  it.each(['NODE_ENV', 'PORT', 'MONKEY_COUNT', 'KEYBOARD_LAYOUT', 'APP_MODE', 'REGION'])('%s does not', (name) => {
    expect(looksSecret(name)).toBe(false);
  });
});
