/**
 * The seed's seven patterns and its try/finally lock pattern, verbatim under
 * hooks/, through the full runtime on every cache driver.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { namespacedKey } from '../../runtime/cache/keys.ts';
import { SqliteCacheDriver } from '../../runtime/cache/drivers/sqlite.ts';
import { RedisCacheDriver } from '../../runtime/cache/drivers/redis.ts';
import { redisSchema } from '../../runtime/config/schema.ts';
import { redisForTests, uniqueNamespace, deleteKeysWithPrefix } from '../support/redis.ts';
import { testRuntime, hook } from '../support/runtime.ts';
import type { Runtime } from '../../runtime/runtime.ts';

const redis = await redisForTests('seed patterns on the Redis driver');

const drivers: Array<[string, (() => CacheDriver) | null]> = [
  ['memory', () => new MemoryCacheDriver()],
  ['sqlite', () => new SqliteCacheDriver({ path: ':memory:' })],
  ['redis', redis ? () => new RedisCacheDriver(redisSchema.parse({ url: redis.url })) : null],
];

for (const [name, makeDriver] of drivers) {
  // Without Redis (and without ENFYRA_REQUIRE_REDIS, which makes redisForTests throw) the Redis run is skipped, loudly.
  describe.skipIf(!makeDriver)(`seed patterns on the ${name} cache driver`, () => {
    let driver: CacheDriver;
    let runtime: Runtime;
    let namespace: string;

    beforeEach(async () => {
      driver = makeDriver!();
      namespace = uniqueNamespace('seed');
      runtime = await testRuntime(driver, { cache: { namespace } });
    });
    afterEach(async () => {
      await runtime.close();
      if (name === 'redis') await deleteKeysWithPrefix(redis!.url, namespace);
      await driver.close();
    });

    const cache = (key: string) => driver.get(namespacedKey(namespace, key));

    it('Pattern 1, cache-first: a miss reads the database, the next run is served from cache; where is ignored (warned)', async () => {
      const first = await runtime.run(hook('cache-first.js'), { params: { id: '3' } });
      // Enfyra 2.2 ignores find({ where }): the first user is read whatever the id.
      expect(first).toMatchObject({ statusCode: 200, data: { id: 1 }, logs: ['User profile cached: 3'] });
      // where is found where it is written; the TTL of the set is renewed in production: each with its line.
      const lineOf = (text: string) => readFileSync(hook('cache-first.js'), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
      expect(first.warnings.map((w) => [w.code, w.line])).toEqual([['repos.where-ignored', lineOf('.find(')], ['cache.ttl-renewed', lineOf('$cache.set(')]]);
      const second = await runtime.run(hook('cache-first.js'), { params: { id: '3' } });
      expect(second).toMatchObject({ statusCode: 200, logs: ['User profile served from cache: 3'] });
      expect(second.data).toEqual(first.data);
      const missing = await runtime.run(hook('cache-first.js'), { params: { id: '999' } });
      expect(missing).toMatchObject({ statusCode: 200, data: { id: 1 } });
    });

    it('Pattern 2, invalidate on update: the row changes and the cached copy is gone', async () => {
      await driver.set(namespacedKey(namespace, 'product:2'), JSON.stringify({ id: 2, price: 1 }), 60_000);
      const r = await runtime.run(hook('invalidate-on-update.js'), { params: { id: '2' }, body: { price: 12.5 }, method: 'PATCH' });
      expect(r).toMatchObject({ statusCode: 200, data: { id: 2, price: 12.5 }, logs: ['Cache invalidated for product: 2'] });
      expect(await cache('product:2')).toBeNull();
    });

    it('Pattern 3, rate limiting: ten requests pass, the eleventh gets 429', async () => {
      const request = { url: '/products', user: { id: 77 } };
      for (let i = 1; i <= 10; i++) {
        const r = await runtime.run(hook('rate-limit.js'), request);
        expect(r).toMatchObject({ statusCode: 200, data: { requests: i } });
      }
      const blocked = await runtime.run(hook('rate-limit.js'), request);
      expect(blocked).toMatchObject({ statusCode: 429, error: { message: 'Rate limit exceeded. Please try again later.' } });
    });

    it('Pattern 4, prevent concurrent modification: updates under the lock and releases it', async () => {
      const r = await runtime.run(hook('prevent-concurrent-modification.js'), { params: { id: '4' }, body: { stock: 7 } });
      expect(r).toMatchObject({ statusCode: 200, data: { id: 4, stock: 7 } });
      expect(await cache('record-lock:4')).toBeNull();
    });

    it('Pattern 4: a lock held by someone else gives 409 and stays theirs', async () => {
      await driver.set(namespacedKey(namespace, 'record-lock:4'), JSON.stringify(555), 10_000);
      const r = await runtime.run(hook('prevent-concurrent-modification.js'), { params: { id: '4' }, body: { stock: 1 } });
      expect(r).toMatchObject({ statusCode: 409, error: { message: 'Record is currently being modified by another user' } });
      expect(await cache('record-lock:4')).toBe('555');
    });

    it('Pattern 4: a missing product is a 400 from update (where is ignored, so the 404 never fires); the lock is released', async () => {
      const r = await runtime.run(hook('prevent-concurrent-modification.js'), { params: { id: '404' }, body: { stock: 1 } });
      expect(r).toMatchObject({ statusCode: 400, error: { message: 'id 404 is not exists!' } });
      expect(await cache('record-lock:404')).toBeNull();
    });

    it('Pattern 5, configuration: loads the active configuration and caches it', async () => {
      const r = await runtime.run(hook('cache-config.js'));
      expect(r).toMatchObject({ statusCode: 200, data: { key: 'app', isActive: true } });
      expect(JSON.parse((await cache('app:configuration'))!)).toEqual(r.data);
    });

    it('Pattern 6, sessions: created, read back, and a 401 once gone', async () => {
      const created = await runtime.run(hook('session-create.js'), { params: { sessionId: 'abc' }, user: { id: 9, email: 'n@example.com' } });
      expect(created).toMatchObject({ statusCode: 200, data: { sessionId: 'abc' } });
      const read = await runtime.run(hook('session-get.js'), { params: { sessionId: 'abc' } });
      expect(read).toMatchObject({ statusCode: 200, data: { userId: 9, email: 'n@example.com' } });
      expect(typeof (read.data as { createdAt: unknown }).createdAt).toBe('string');
      const expired = await runtime.run(hook('session-get.js'), { params: { sessionId: 'nope' } });
      expect(expired).toMatchObject({ statusCode: 401, error: { message: 'Session expired' } });
    });

    it('Pattern 7, cache warming: where is ignored, so every product (up to limit 100) is cached', async () => {
      const r = await runtime.run(hook('cache-warming.js'));
      const warmed = (r.data as { warmed: number[] }).warmed;
      expect(warmed).toHaveLength(15);
      for (const id of warmed) expect(JSON.parse((await cache(`product:${id}`))!)).toMatchObject({ id });
      expect(JSON.parse((await cache('product:12'))!)).toMatchObject({ isPopular: false });
    });

    it('try/finally lock pattern: updates the record and releases the lock; 409 when held', async () => {
      const ok = await runtime.run(hook('lock-record.js'), { params: { id: '1' }, body: { status: 'archived' } });
      expect(ok).toMatchObject({ statusCode: 200, logs: ['Acquired lock for record: 1', 'Released lock for record: 1'] });
      expect(await cache('record-lock:1')).toBeNull();
      await driver.set(namespacedKey(namespace, 'record-lock:1'), JSON.stringify(2), 10_000);
      const busy = await runtime.run(hook('lock-record.js'), { params: { id: '1' }, body: { status: 'draft' } });
      expect(busy).toMatchObject({ statusCode: 409, error: { name: 'ConflictException', message: 'Record is currently being modified' } });
    });

    it('rate-limit-atomic (template syntax, $cache.incr): 20 concurrent requests, exactly 10 pass', async () => {
      const request = { url: '/burst', user: { id: 5 } };
      const results = await Promise.all(Array.from({ length: 20 }, () => runtime.run(hook('rate-limit-atomic.js'), request)));
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(10);
      expect(results.filter((r) => r.statusCode === 429)).toHaveLength(10);
    });

    it('$helpers.$rateLimit.byUser: 20 concurrent requests with maxRequests 10, exactly 10 allowed', async () => {
      const source = `return await $ctx.$helpers.$rateLimit.byUser({ maxRequests: 10, perSeconds: 60 })`;
      const results = await Promise.all(Array.from({ length: 20 }, () => runtime.run({ source }, { user: { id: 6 }, url: '/rl' })));
      expect(results.filter((r) => (r.data as { allowed: boolean }).allowed)).toHaveLength(10);
    });

    it('a hook that ends holding a lock gets a warning naming the key', async () => {
      const r = await runtime.run({ source: `await $ctx.$cache.acquire('lock:forgotten', 'me', 10000); return 1;` });
      expect(r.warnings.filter((w) => w.code === 'cache.lock-leaked')).toEqual([expect.objectContaining({ message: expect.stringMatching(/lock:forgotten/) })]);
    });
  });
}
