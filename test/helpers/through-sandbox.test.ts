/** The helpers as a hook sees them: template syntax rewritten, calls crossing the isolate bridge. */
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/cache/clock.ts';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { createHelperModules } from '../../runtime/helpers/index.ts';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';
import { testSandbox } from '../support/sandbox.ts';

describe('helpers through the sandbox', () => {
  const clock = new ManualClock();
  const driver = new MemoryCacheDriver({ clock: clock.now });
  const modules = createHelperModules({
    helpers: { jwtSecret: 'sandbox-test-secret-0123456789', bcryptRounds: 4 },
    mode: 'production',
    cache: { driver, namespace: 'sb', clock: clock.now },
    request: () => ({ ip: '10.1.2.3', userId: 7, route: 'POST /login' }),
  });
  const { sandbox, run } = testSandbox({ wallTimeoutMs: 5000 }, modules);
  const runTemplate = (source: string) => run(rewriteTemplateSyntax(source).code);

  afterAll(async () => {
    await sandbox.close();
    await driver.close();
  });

  it('runs a hook written in template syntax', async () => {
    const outcome = await runTemplate(`
      const slug = @HELPERS.autoSlug('Crème Brûlée!');
      const digest = @HELPERS.$crypto.sha256('abc');
      const token = await @HELPERS.$jwt({ sub: String(@USER.id) }, '15m');
      const hashed = await @HELPERS.$bcrypt.hash('pw');
      const same = await @HELPERS.$bcrypt.compare('pw', hashed);
      await @HELPERS.$sleep(1);
      const limit = await @HELPERS.$rateLimit.byIp({ maxRequests: 2, perSeconds: 60 });
      return { slug, digest, parts: token.split('.').length, same, limit };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toMatchObject({
      slug: 'creme-brulee',
      digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      parts: 3,
      same: true,
      limit: { allowed: true, remaining: 1, limit: 2, window: 60, retryAfter: 0 },
    });
  });

  it("leniency and errors as Enfyra's, unknown helpers included", async () => {
    const outcome = await runTemplate(`
      const errors = [];
      const bytes = @HELPERS.$crypto.randomBytes(5000).length;
      try { await @HELPERS.$jwt({}, '2 weeks please'); } catch (e) { errors.push(e.message); }
      try { await @HELPERS.$ssh.generateKeyPair('host'); } catch (e) { errors.push(e.message); }
      try { await @HELPERS.$crypto.md5('x'); } catch (e) { errors.push(e.message); }
      return { bytes, slug: @HELPERS.autoSlug(42), vue: @HELPERS.autoSlug('Vue.js'), errors };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toEqual({
      bytes: 8192,
      slug: '',
      vue: 'vuejs',
      errors: [
        expect.stringContaining('"expiresIn" should be a number of seconds or string representing a timespan'),
        'Helper not found: $ssh.generateKeyPair',
        'Helper not found: $crypto.md5',
      ],
    });
    expect(outcome.warnings.map((w) => w.code)).toStrictEqual(['helpers.crypto-lenient']);
  });
});
