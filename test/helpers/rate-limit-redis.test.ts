/**
 * The shared `$helpers.$rateLimit` suite on Redis: a single server (the test
 * Redis) and a private 3-master Cluster. Redis keeps the window on its own
 * clock (TIME inside the Lua script), so these runs use real time: the
 * fixture's clock is this machine's clock corrected by the measured offset to
 * the server's, and letting time pass is really waiting (windows are 1–2 s).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema, type EnfyraConfigInput } from '../../runtime/config/schema.ts';
import {
  canStartRedis,
  deleteKeysWithPrefix,
  redisForTests,
  sleep,
  startRedisCluster,
  uniqueNamespace,
  withRedis,
  type ClusterTopology,
} from '../support/redis.ts';
import { testConfig } from '../support/runtime.ts';
import { describeRateLimit, type RateLimitFixture } from './rate-limit.suite.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUN_HOOK = path.join(HERE, '../cache/child/run-hook.mjs');
const BURST_HOOK = path.join(HERE, '../cache/hooks/rate-limit-burst.js');

type RedisInput = NonNullable<NonNullable<EnfyraConfigInput['cache']>['redis']>;

/** Server time minus local time, in ms (half the round trip counted to the server). */
async function serverClockOffset(url: string): Promise<number> {
  const before = Date.now();
  const time = await withRedis(url, (client) => client.time());
  if (time === null) return 0;
  const after = Date.now();
  const serverMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  return serverMs - (before + after) / 2;
}

/**
 * The suite checks the helper's key scheme (`app1#ratelimit:...`) on every
 * driver; under that, every key gets this run's prefix so runs sharing one
 * Redis never meet, and clean-up can find them.
 */
function prefixed(driver: CacheDriver, prefix: string): CacheDriver {
  return Object.create(driver, {
    slidingWindow: {
      value: (key: string, limit: number, windowMs: number) => driver.slidingWindow(prefix + key, limit, windowMs),
    },
  }) as CacheDriver;
}

function redisFixture(redis: () => RedisInput, url: () => string, prefix: string): () => Promise<RateLimitFixture> {
  return async () => {
    const driver = createCacheDriver(cacheSchema.parse({ driver: 'redis', redis: redis() }));
    const offset = await serverClockOffset(url());
    const run = `${prefix}-${Math.random().toString(36).slice(2, 10)}:`;
    return {
      driver: prefixed(driver, run),
      clock: () => Date.now() + offset,
      advance: (ms) => sleep(ms),
      close: () => driver.close(),
    };
  };
}

const redis = await redisForTests('$rateLimit on Redis');
if (!redis) describe.skip('$helpers.$rateLimit (redis driver) (SKIPPED: no Redis available, see the warning above)', () => it('runs', () => {}));
if (redis) {
  const prefix = uniqueNamespace('enfyra-ratelimit');
  afterAll(async () => {
    await deleteKeysWithPrefix(redis.url, prefix);
    await redis.close();
  });
  describeRateLimit('redis', redisFixture(() => ({ url: redis.url }), () => redis.url, prefix));

  describe('$helpers.$rateLimit across processes (redis driver)', () => {
    it('4 processes x 10 concurrent checks, maxRequests 10: exactly 10 admitted in total', async () => {
      const config = testConfig({ cache: { driver: 'redis', namespace: `${prefix}-procs`, redis: { url: redis.url } } });
      const params = { key: 'shared', maxRequests: 10, perSeconds: 60, burst: 10 };
      const runs = Array.from({ length: 4 }, () =>
        promisify(execFile)(process.execPath, ['--no-node-snapshot', RUN_HOOK, JSON.stringify(config), BURST_HOOK, JSON.stringify(params)], {
          cwd: path.resolve(HERE, '../..'),
        }),
      );
      const admitted = (await Promise.all(runs)).map(({ stdout }) => JSON.parse(stdout.trim()).data as number);
      expect(admitted.reduce((a, b) => a + b, 0)).toBe(10);
    }, 30_000);
  });
}

if (canStartRedis('$rateLimit on a Redis Cluster')) {
  let cluster: ClusterTopology | undefined;
  let starting: Promise<ClusterTopology> | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });
  const fixture = redisFixture(
    () => ({ cluster: cluster!.nodes }),
    () => `redis://${cluster!.nodes[0]!.host}:${cluster!.nodes[0]!.port}`,
    'ratelimit',
  );
  describeRateLimit('redis cluster', async () => {
    cluster ??= await (starting ??= startRedisCluster(3));
    return fixture();
  });
}
