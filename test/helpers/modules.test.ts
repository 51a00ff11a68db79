import { describe, expect, it } from 'vitest';
import { createHelperModules } from '../../runtime/helpers/index.ts';
import { NO_CACHE } from './support.ts';

describe('createHelperModules', () => {
  const modules = createHelperModules({
    helpers: { jwtSecret: 's', bcryptRounds: 4 },
    mode: 'development',
    cache: { driver: NO_CACHE, namespace: 'ns' },
  });
  const shape = Object.fromEntries(
    modules.map((m) => [m.path, Object.fromEntries(Object.entries(m.methods).map(([name, method]) => [name, method.kind]))]),
  );

  it('plugs every helper into $ctx.$helpers with the right call kind', () => {
    expect(shape).toEqual({
      $helpers: { autoSlug: 'sync', $jwt: 'async', $sleep: 'async' },
      '$helpers.$bcrypt': { hash: 'async', compare: 'async' },
      '$helpers.$crypto': { randomUUID: 'sync', randomBytes: 'sync', sha256: 'sync', hmacSha256: 'sync' },
      '$helpers.$rateLimit': {
        byIp: 'async',
        byUser: 'async',
        byRoute: 'async',
        byIpGlobal: 'async',
        byUserGlobal: 'async',
        check: 'async',
        status: 'async',
        reset: 'async',
      },
    });
  });
});
