import { describe, expect, it } from 'vitest';
import { createHelperModules } from '../../runtime/helpers/index.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
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
      '$helpers.$crypto': { randomUUID: 'sync', randomBytes: 'sync', sha256: 'sync', hmacSha256: 'sync', generateSshKeyPair: 'async' },
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

  it("answers every other name with Enfyra's \"Helper not found\", naming it below $helpers", async () => {
    for (const [path, name, expected] of [
      ['$helpers', '$ssh.generateKeyPair', 'Helper not found: $ssh.generateKeyPair'],
      ['$helpers.$crypto', 'md5', 'Helper not found: $crypto.md5'],
      ['$helpers.$rateLimit', 'byCountry', 'Helper not found: $rateLimit.byCountry'],
    ] as const) {
      const fallback = modules.find((m) => m.path === path)!.fallback!;
      await expect(Promise.resolve(fallback.call(new Scope(), [name]))).rejects.toThrow(expected);
    }
  });
});
