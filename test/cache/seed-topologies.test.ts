/**
 * The seed's seven patterns and its try/finally lock pattern (hooks/, verbatim)
 * through the full runtime on Redis Sentinel and Redis Cluster, on private
 * topologies this file starts. test/runtime/seed-patterns.test.ts runs them in
 * detail on memory, sqlite and a single Redis; this proves the same hooks and
 * the same cache semantics hold on the two other Redis modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { namespacedKey } from '../../runtime/cache/keys.ts';
import { cacheSchema, type RedisConfig } from '../../runtime/config/schema.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { hook, testRuntime } from '../support/runtime.ts';
import { canStartRedis, startRedisCluster, startRedisSentinel } from '../support/redis.ts';

const canStart = canStartRedis('seed patterns on Sentinel and Cluster');

interface Topology {
  redis: Partial<RedisConfig>;
  stop(): Promise<void>;
}

const topologies: Array<[string, () => Promise<Topology>]> = [
  [
    'sentinel',
    async () => {
      const sentinel = await startRedisSentinel();
      return { redis: { sentinels: sentinel.nodes, name: sentinel.name }, stop: () => sentinel.stop() };
    },
  ],
  [
    'cluster',
    async () => {
      const cluster = await startRedisCluster();
      return { redis: { cluster: cluster.nodes }, stop: () => cluster.stop() };
    },
  ],
];

for (const [name, start] of topologies) {
  describe.skipIf(!canStart)(`seed patterns on Redis ${name}`, () => {
    const namespace = `seed-${name}`;
    let topology: Topology;
    let driver: CacheDriver;
    let runtime: Runtime;
    const cached = async (key: string) => {
      const raw = await driver.get(namespacedKey(namespace, key));
      return raw === null ? null : JSON.parse(raw);
    };

    beforeAll(async () => {
      topology = await start();
      driver = createCacheDriver(cacheSchema.parse({ driver: 'redis', namespace, redis: topology.redis }));
      runtime = await testRuntime(driver, { cache: { namespace } });
    }, 120_000);
    afterAll(async () => {
      await runtime?.close();
      await driver?.close();
      await topology?.stop();
    });

    it('patterns 1, 2, 5, 7: cache-first, invalidation, configuration, warming', async () => {
      expect(await runtime.run(hook('cache-first.js'), { params: { id: '3' } })).toMatchObject({ logs: ['User profile cached: 3'] });
      expect(await runtime.run(hook('cache-first.js'), { params: { id: '3' } })).toMatchObject({
        logs: ['User profile served from cache: 3'],
      });
      await driver.set(namespacedKey(namespace, 'product:2'), JSON.stringify({ id: 2 }), 60_000);
      const updated = await runtime.run(hook('invalidate-on-update.js'), { params: { id: '2' }, body: { price: 9 }, method: 'PATCH' });
      expect(updated).toMatchObject({ statusCode: 200, data: { id: 2, price: 9 } });
      expect(await cached('product:2')).toBeNull();
      const config = await runtime.run(hook('cache-config.js'));
      expect(await cached('app:configuration')).toEqual(config.data);
      const warmed = await runtime.run(hook('cache-warming.js'));
      for (const id of (warmed.data as { warmed: number[] }).warmed) expect(await cached(`product:${id}`)).toMatchObject({ id });
    });

    it('pattern 3: ten requests pass, the eleventh gets 429', async () => {
      const request = { url: '/products', user: { id: 77 } };
      for (let i = 1; i <= 10; i++) expect(await runtime.run(hook('rate-limit.js'), request)).toMatchObject({ data: { requests: i } });
      expect(await runtime.run(hook('rate-limit.js'), request)).toMatchObject({ statusCode: 429 });
    });

    it('pattern 4 and the lock pattern: update under the lock, release it; 409 while someone holds it', async () => {
      expect(await runtime.run(hook('prevent-concurrent-modification.js'), { params: { id: '4' }, body: { stock: 7 } })).toMatchObject({
        statusCode: 200,
      });
      expect(await cached('record-lock:4')).toBeNull();
      const ok = await runtime.run(hook('lock-record.js'), { params: { id: '1' }, body: { status: 'archived' } });
      expect(ok).toMatchObject({ statusCode: 200, logs: ['Acquired lock for record: 1', 'Released lock for record: 1'] });
      await driver.set(namespacedKey(namespace, 'record-lock:1'), '2', 10_000);
      expect(await runtime.run(hook('lock-record.js'), { params: { id: '1' }, body: { status: 'draft' } })).toMatchObject({
        statusCode: 409,
      });
    });

    it('pattern 6: a session is created and read back; a missing one is a 401', async () => {
      await runtime.run(hook('session-create.js'), { params: { sessionId: 'abc' }, user: { id: 9, email: 'n@example.com' } });
      expect(await runtime.run(hook('session-get.js'), { params: { sessionId: 'abc' } })).toMatchObject({ data: { userId: 9 } });
      expect(await runtime.run(hook('session-get.js'), { params: { sessionId: 'nope' } })).toMatchObject({ statusCode: 401 });
    });
  });
}
