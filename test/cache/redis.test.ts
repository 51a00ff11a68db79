import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheModuleSettings, createCacheModule } from '../../runtime/cache/cache-module.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema, type CacheConfig } from '../../runtime/config/schema.ts';
import { deleteKeysWithPrefix, redisForTests, uniqueNamespace } from '../support/redis.ts';
import { cacheConformance } from './conformance.ts';
import { crossProcessSuite } from './cross-process.ts';

const redis = await redisForTests('Redis cache driver suite');
const prefix = uniqueNamespace('enfyra-cache-test');
const config = (): CacheConfig => cacheSchema.parse({ driver: 'redis', redis: { url: redis!.url } });

afterAll(async () => {
  if (!redis) return;
  await deleteKeysWithPrefix(redis.url, prefix);
  await redis.close();
});

describe.skipIf(!redis)(redis ? 'redis' : 'redis (SKIPPED: no Redis available, see the warning above)', () => {
  cacheConformance('redis', {
    prefix,
    setup: async () => {
      const driver = createCacheDriver(config());
      return {
        driver,
        elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        teardown: () => driver.close(),
      };
    },
  });

  crossProcessSuite('redis', config, `${prefix}-xproc`);

  it("stores keys as Enfyra does, readable by any Redis client (and by Enfyra's UserCacheService)", async () => {
    const driver = createCacheDriver(config());
    const raw = new Redis(redis!.url);
    const namespace = `${prefix}-plain`;
    try {
      const mod = createCacheModule({ driver, ...cacheModuleSettings(cacheSchema.parse({ namespace })) });
      await mod.methods.set!.call(new Scope(), ['user:1', { name: 'A' }, 60_000]);
      await mod.methods.set!.call(new Scope(), ['name', 'Ada']);
      expect(await raw.get(`${namespace}:user_cache:user:1`)).toBe('{"name":"A"}');
      expect(await raw.pttl(`${namespace}:user_cache:user:1`)).toBeGreaterThan(59_000);
      expect(await raw.get(`${namespace}:user_cache:name`)).toBe('Ada');
      // No TTL given: Enfyra's default lifecycle TTL, 30 minutes.
      expect(await raw.pttl(`${namespace}:user_cache:name`)).toBeGreaterThan(1_790_000);
    } finally {
      raw.disconnect();
      await driver.close();
    }
  });
});
