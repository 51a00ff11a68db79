/**
 * A Cluster command that was reported failed is never applied later: on a
 * private 3-master + 3-replica Cluster, a set sent to a frozen master times
 * out; the replica takes over and a newer set succeeds; then the frozen master
 * dies, which hands its queued commands back to the client. ioredis alone
 * retries them on the promoted replica, so the failed set would overwrite the
 * newer value (redis-cluster-deadline.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { createRedisClient } from '../../runtime/cache/drivers/redis-client.ts';
import type { Cluster } from 'ioredis';
import { canStartRedis, sleep, startRedisCluster, waitFor, type ClusterTopology } from '../support/redis.ts';
import { COMMAND_TIMEOUT_MS } from './redis-runtime.ts';

const canStart = canStartRedis('Redis Cluster deadline tests');

describe.skipIf(!canStart)('redis cluster: the command deadline', () => {
  let cluster: ClusterTopology;
  let driver: CacheDriver;

  beforeAll(async () => {
    cluster = await startRedisCluster(3, { replicas: 1 });
    driver = createCacheDriver(
      cacheSchema.parse({ driver: 'redis', namespace: 'deadline', redis: { cluster: cluster.nodes, commandTimeoutMs: COMMAND_TIMEOUT_MS } }),
    );
  }, 60_000);
  afterAll(async () => {
    await driver?.close();
    await cluster?.stop();
  });

  it('a pipeline and a MULTI that meet MOVED are sent again and answer: each attempt has its own deadline', async () => {
    const client = createRedisClient(cacheSchema.parse({ driver: 'redis', redis: { cluster: cluster.nodes, commandTimeoutMs: COMMAND_TIMEOUT_MS } }).redis!) as Cluster;
    try {
      const key = 'deadline:moved';
      await client.set(key, 'v');
      const slot = Number(await client.cluster('KEYSLOT', key));
      const slots = (client as unknown as { slots: string[][] }).slots;
      const owner = slots[slot]![0]!;
      const elsewhere = cluster.nodes.map((n) => `${n.host}:${n.port}`).find((node) => node !== owner && !slots[slot]!.includes(node))!;
      // The client's slot map is stale: the key's slot now points at another master, which answers MOVED.
      slots[slot] = [elsewhere];
      expect(await client.pipeline().get(key).get(key).exec()).toEqual([[null, 'v'], [null, 'v']]);
      slots[slot] = [elsewhere];
      expect(await client.multi().get(key).exec()).toEqual([[null, 'v']]);
    } finally {
      client.disconnect();
    }
  });

  it('a set that timed out on a frozen master is not replayed on its promoted replica after a newer set', async () => {
    const key = 'deadline:value';
    await driver.set(key, 'before', null);
    const victim = await cluster.masterFor(key);
    victim.pause();

    await expect(driver.set(key, 'stale', null)).rejects.toMatchObject({ statusCode: 503 });

    // The replica takes over (node timeout 2 s); until the client follows, sets fail and are retried here.
    let newest = '';
    await waitFor(
      async () => {
        const value = `fresh-${Date.now()}`;
        try {
          await driver.set(key, value, null);
          newest = value;
          return true;
        } catch {
          return false;
        }
      },
      'a set to succeed on the promoted replica',
      30_000,
    );
    expect((await cluster.masterFor(key)).port).not.toBe(victim.port);

    // The frozen master dies: its connection closes and every command still queued on it is handed back.
    await victim.stop({ kill: true });
    await sleep(1500);
    expect(await driver.get(key)).toBe(newest);
  }, 60_000);
});
