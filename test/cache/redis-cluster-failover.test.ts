/**
 * Redis Cluster past the happy path, on a private 3-master + 3-replica Cluster
 * this file starts (scripts/redis/harness.ts) and removes:
 * - every Lua script runs on every master (keys spread over all slots);
 * - locks across OS processes hold on a Cluster (8 processes x 50 locked
 *   increments; a holder killed with SIGKILL frees the lock after its TTL);
 * - a master killed mid-loop: the replica takes over, calls during the
 *   failover window fail fast with a 503, and the runtime reconnects and
 *   serves without being restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema, type CacheConfig } from '../../runtime/config/schema.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { canStartRedis, sleep, startRedisCluster, waitFor, type ClusterTopology } from '../support/redis.ts';
import { crossProcessSuite } from './cross-process.ts';
import { COMMAND_TIMEOUT_MS, expectOutageThenRecovery, hookPath, recoveredAfter, runLoop, runtimeWithCache } from './redis-runtime.ts';

const canStart = canStartRedis('Redis Cluster failover tests');

describe.skipIf(!canStart)('redis cluster (3 masters + 3 replicas)', () => {
  let cluster: ClusterTopology;
  const config = (namespace = 'cluster'): CacheConfig =>
    cacheSchema.parse({ driver: 'redis', namespace, redis: { cluster: cluster.nodes, commandTimeoutMs: COMMAND_TIMEOUT_MS } });

  beforeAll(async () => {
    cluster = await startRedisCluster(3, { replicas: 1 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('Lua scripts on every master', () => {
    let driver: CacheDriver;
    beforeAll(() => {
      driver = createCacheDriver(config());
    });
    afterAll(() => driver?.close());

    it('release, incr with TTL and the sliding window work on keys in every master’s slots', async () => {
      const keys = Array.from({ length: 30 }, (_, i) => `scripts:${i}`);
      const owners = new Set<number>();
      for (const key of keys) owners.add((await cluster.masterFor(key)).port);
      expect(owners.size).toBe(3);
      for (const key of keys) {
        expect(await driver.acquire(`${key}:lock`, 'me', 10_000)).toBe(true);
        expect(await driver.release(`${key}:lock`, 'other')).toBe(false);
        expect(await driver.release(`${key}:lock`, 'me')).toBe(true);
        expect(await driver.incr(`${key}:n`, 2, 60_000)).toBe(2);
        expect(await driver.incr(`${key}:n`, 3, 60_000)).toBe(5);
        expect((await driver.ttl(`${key}:n`))!).toBeGreaterThan(50_000);
        for (let hit = 0; hit < 3; hit++) {
          expect((await driver.slidingWindow(`${key}:rl`, 2, 60_000)).allowed).toBe(hit < 2);
        }
        expect(await driver.nextFencingToken(`${key}:fence`)).toBe(1);
      }
    });
  });

  crossProcessSuite('redis cluster', () => config(), 'xproc');

  describe('failover: a master killed while a hook calls $cache in a loop (full runtime)', () => {
    let runtime: Runtime;
    beforeAll(async () => {
      runtime = await runtimeWithCache({ driver: 'redis', namespace: 'failover', redis: config().redis });
    });
    afterAll(() => runtime?.close());

    it('calls fail fast during the failover window, then the promoted replica serves them', async () => {
      const storedKey = 'failover:user_cache:loop';
      const victim = await cluster.masterFor(storedKey);
      const loop = runLoop(runtime, { key: 'loop', durationMs: 30_000, stopAfterRecovery: 30 });
      await sleep(800);
      await victim.stop({ kill: true });
      const downAt = Date.now();
      const { calls, startedAt } = await loop;

      expectOutageThenRecovery(calls, { failover: true });
      // The Cluster notices (node timeout 2 s) and promotes the replica; the runtime follows within seconds.
      expect(recoveredAfter(calls) + startedAt - downAt).toBeLessThan(15_000);
      const promoted = await cluster.masterFor(storedKey);
      expect(promoted.port).not.toBe(victim.port);
      await waitFor(() => cluster.healthy(), 'the cluster to settle after the failover');

      // A new invocation, and keys in every slot range, work without restarting the runtime.
      for (let i = 0; i < 10; i++) {
        const envelope = await runtime.run(hookPath('try-lock.js'), { params: { key: `record-lock:${i}`, owner: 'me' } });
        expect(envelope.error).toBeNull();
        expect(envelope.data).toMatchObject({ taken: true, token: expect.any(Number) });
      }
    }, 60_000);
  });
});
