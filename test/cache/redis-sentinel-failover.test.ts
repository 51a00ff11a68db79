/**
 * Redis Sentinel past the happy path, on a private primary + replica + 3
 * Sentinels this file starts (scripts/redis/harness.ts) and removes:
 * - locks across OS processes hold through Sentinel (8 processes x 50 locked
 *   increments; a holder killed with SIGKILL frees the lock after its TTL);
 * - a planned failover (SENTINEL FAILOVER) mid-loop: the runtime follows on
 *   the Sentinels' announcement, while the old primary is still up and
 *   writable (it is demoted seconds later);
 * - the primary killed mid-loop: the Sentinels promote the replica, calls in
 *   between fail fast with a 503, and the runtime follows to the new primary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSchema, type CacheConfig } from '../../runtime/config/schema.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { canStartRedis, info, sleep, startRedisSentinel, waitFor, withRedis, type SentinelTopology } from '../support/redis.ts';
import { crossProcessSuite } from './cross-process.ts';
import {
  COMMAND_TIMEOUT_MS,
  FAIL_FAST_MS,
  expectOutageThenRecovery,
  recoveredAfter,
  runLoop,
  runtimeWithCache,
} from './redis-runtime.ts';

const canStart = canStartRedis('Redis Sentinel failover tests', ['redis-server']);

describe.skipIf(!canStart)('redis sentinel (primary + replica + 3 sentinels)', () => {
  let sentinel: SentinelTopology;
  const config = (namespace = 'sentinel'): CacheConfig =>
    cacheSchema.parse({
      driver: 'redis',
      namespace,
      redis: { sentinels: sentinel.nodes, name: sentinel.name, commandTimeoutMs: COMMAND_TIMEOUT_MS },
    });

  beforeAll(async () => {
    sentinel = await startRedisSentinel('enfyra-failover');
  }, 60_000);
  afterAll(async () => {
    await sentinel?.stop();
  });

  crossProcessSuite('redis sentinel', () => config(), 'xproc');

  describe('failover while a hook calls $cache in a loop (full runtime)', () => {
    let runtime: Runtime;
    beforeAll(async () => {
      runtime = await runtimeWithCache({ driver: 'redis', namespace: 'failover', redis: config().redis });
    });
    afterAll(() => runtime?.close());

    const valueOn = (url: string) => withRedis(url, (client) => client.get('failover:user_cache:loop'));

    it('planned failover (SENTINEL FAILOVER): the runtime follows the Sentinels’ announcement while the old primary is still writable', async () => {
      const { primary } = sentinel;
      const replica = sentinel.replicas[0]!;
      expect(await sentinel.currentMasterPort()).toBe(primary.port);
      const loop = runLoop(runtime, { key: 'loop', durationMs: 5000 });
      await sleep(800);
      expect(await withRedis(sentinel.sentinels[0]!.url, (c) => c.call('SENTINEL', 'FAILOVER', sentinel.name))).toBe('OK');
      await waitFor(async () => (await sentinel.currentMaster())?.port === replica.port, 'the planned failover', 20_000);
      const { calls } = await loop;

      // At most a brief run of fast 503s while the client moves over; nothing slow, nothing else.
      for (const call of calls) expect(call.ms).toBeLessThan(FAIL_FAST_MS);
      for (const failure of calls.filter((c) => !c.ok)) expect(failure).toMatchObject({ status: 503 });
      expect(calls.slice(-10).every((c) => c.ok)).toBe(true);
      // Sentinel demotes the old primary only when it next polls it (up to ~10 s); until then it accepts
      // writes. The runtime moved on the announcement, so its later writes are on the new primary.
      expect((await info(primary.url, 'replication'))!.role).toBe('master');
      const lastSet = calls.findLast((c) => c.op === 'set' && c.ok)!;
      expect(await valueOn(replica.url)).toBe(JSON.stringify(lastSet.value));
      await waitFor(async () => (await info(primary.url, 'replication'))?.master_link_status === 'up', 'the old primary to be demoted', 30_000);
      await waitFor(() => sentinel.healthy(), 'every Sentinel to see the demoted primary as a replica', 30_000);
    }, 60_000);

    it('primary killed: the replica is promoted and the runtime follows; calls in between fail fast', async () => {
      const master = (await sentinel.currentMaster())!;
      const survivor = sentinel.dataServers.find((s) => s !== master)!;
      const loop = runLoop(runtime, { key: 'loop', durationMs: 30_000, stopAfterRecovery: 30 });
      await sleep(800);
      await master.stop({ kill: true });
      const downAt = Date.now();
      const { calls, startedAt } = await loop;

      expectOutageThenRecovery(calls, { failover: true });
      // down-after-milliseconds 1 s, then election and promotion.
      expect(recoveredAfter(calls) + startedAt - downAt).toBeLessThan(15_000);
      expect(await sentinel.currentMasterPort()).toBe(survivor.port);
      expect((await info(survivor.url, 'replication'))!.role).toBe('master');
      // The last value the hook wrote is on the promoted server.
      const lastSet = calls.findLast((c) => c.op === 'set' && c.ok)!;
      expect(await valueOn(survivor.url)).toBe(JSON.stringify(lastSet.value));
    }, 60_000);
  });
});
