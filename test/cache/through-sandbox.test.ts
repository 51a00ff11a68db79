/**
 * `$ctx.$cache` as a script sees it across the isolate bridge: arguments cross
 * as JSON (an explicit undefined is null, an omitted one absent), any other
 * method name is a method that fails as in Enfyra, and each trap is a warning
 * in the result.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/cache/clock.ts';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { cacheModuleSettings, createCacheModule } from '../../runtime/cache/cache-module.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { testSandbox } from '../support/sandbox.ts';

describe('$cache through the sandbox', () => {
  const clock = new ManualClock();
  const driver = new MemoryCacheDriver({ clock: clock.now });
  const module = createCacheModule({ driver, ...cacheModuleSettings(cacheSchema.parse({ namespace: 'sb' })) });
  const { sandbox, run } = testSandbox({ wallTimeoutMs: 5000 }, [module]);

  afterAll(async () => {
    await sandbox.close();
    await driver.close();
  });

  it('an unknown method is a function that rejects with "Cache method not found", as in Enfyra', async () => {
    const outcome = await run(`
      const kinds = [typeof $ctx.$cache.del, typeof $ctx.$cache.keys, typeof $ctx.$cache.get];
      const errors = [];
      for (const name of ['del', 'ttl', 'keys']) {
        try { await $ctx.$cache[name]('x'); } catch (e) { errors.push(e.message); }
      }
      const pending = $ctx.$cache.del('x');
      const isPromise = pending instanceof Promise;
      await pending.catch(() => {});
      return { kinds, errors, isPromise };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toStrictEqual({
      kinds: ['function', 'function', 'function'],
      errors: ['Cache method not found: del', 'Cache method not found: ttl', 'Cache method not found: keys'],
      isPromise: true,
    });
  });

  it('the object still behaves as a value: await and JSON.stringify do not call the cache', async () => {
    const outcome = await run(`
      const cache = await $ctx.$cache;
      return { same: cache === $ctx.$cache, json: typeof JSON.stringify($ctx.$cache) };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toStrictEqual({ same: true, json: 'string' });
  });

  it('arguments cross as JSON: an explicit undefined value is null, an omitted one is absent', async () => {
    const outcome = await run(`
      await $ctx.$cache.set('u', undefined, 60000);
      let omitted = null;
      try { await $ctx.$cache.set('o'); } catch (e) { omitted = e.name + ': ' + e.message; }
      return { u: await $ctx.$cache.get('u'), existsNull: await $ctx.$cache.exists('u', undefined), omitted };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toStrictEqual({
      u: null,
      existsNull: true,
      omitted: expect.stringContaining('TypeError: The "string" argument must be of type string'),
    });
  });

  it("the traps come back as warnings, and a key Enfyra refuses fails with Enfyra's error", async () => {
    const outcome = await run(`
      await $ctx.$cache.set('n', '123');
      const back = await $ctx.$cache.get('n');
      const present = await $ctx.$cache.exists('n');
      let keyError = null;
      try { await $ctx.$cache.get(42); } catch (e) { keyError = e.message; }
      await $ctx.$cache.incr('c');
      return { back, present, keyError };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toStrictEqual({ back: 123, present: false, keyError: 'cache key is required' });
    expect(outcome.warnings.map((w) => w.code).sort()).toStrictEqual([
      'cache.exists-without-value',
      'cache.extension',
      'cache.key-not-string',
      'cache.set-without-ttl',
      'cache.string-reads-back-as-json',
    ]);
  });
});
