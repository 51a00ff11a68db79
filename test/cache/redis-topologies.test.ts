/**
 * The conformance suite against Redis Sentinel and Redis Cluster, on private
 * servers this test starts. Cluster mode also proves the Lua scripts are
 * cluster-safe (a script touching keys in two slots fails there).
 */
import { Cluster, Redis } from 'ioredis';
import { describe } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { canStartRedis, startRedisCluster, startRedisSentinel } from '../support/redis.ts';
import { cacheConformance } from './conformance.ts';

const canStart = canStartRedis('Redis Sentinel/Cluster tests');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Guard against a driver that silently talks to some other Redis: what it writes must be on the topology's servers. */
async function assertWritesLandOn(driver: CacheDriver, raw: Redis | Cluster): Promise<void> {
  try {
    const keys = Array.from({ length: 10 }, (_, i) => `probe:${i}`);
    for (const key of keys) await driver.set(key, 'here', 60_000);
    const seen = await Promise.all(keys.map((key) => raw.get(key)));
    if (!seen.every((value) => value === 'here')) throw new Error('driver writes did not land on the test topology');
    await Promise.all(keys.map((key) => raw.del(key)));
  } finally {
    raw.disconnect();
  }
}

describe.skipIf(!canStart)('redis topologies', () => {
  cacheConformance('redis sentinel', {
    prefix: 'sentinel',
    setup: async () => {
      const sentinel = await startRedisSentinel();
      const driver = createCacheDriver(
        cacheSchema.parse({ driver: 'redis', redis: { sentinels: sentinel.nodes, name: sentinel.name } }),
      );
      await assertWritesLandOn(driver, new Redis(sentinel.masterUrl));
      return {
        driver,
        elapse: sleep,
        teardown: async () => {
          await driver.close();
          await sentinel.stop();
        },
      };
    },
  });

  cacheConformance('redis cluster', {
    prefix: 'cluster',
    setup: async () => {
      const cluster = await startRedisCluster();
      const driver = createCacheDriver(cacheSchema.parse({ driver: 'redis', redis: { cluster: cluster.nodes } }));
      await assertWritesLandOn(driver, new Cluster(cluster.nodes));
      return {
        driver,
        elapse: sleep,
        teardown: async () => {
          await driver.close();
          await cluster.stop();
        },
      };
    },
  });
});
