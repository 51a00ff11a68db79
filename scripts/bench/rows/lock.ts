/**
 * Row 2: `$cache.acquire` + `$cache.release` from inside a hook vs the raw
 * protocol from the host: `SET key value PX ttl NX` and the same Lua
 * compare-and-delete (EVALSHA, the built driver's script). Per pair,
 * sequential, one connection each.
 */
import { Redis } from 'ioredis';
import { interleaved, hookLoop, perCallRounds } from '../lib/interleave.ts';
import { asLatency, type InProcessRowOptions, type RowResult } from '../lib/report.ts';
import { benchHook, fromDist, NAMESPACE } from '../lib/project.ts';
import { redisUrl } from '../lib/redis.ts';

const N = 250;

export async function lockRow({ runtime, quick }: InProcessRowOptions): Promise<RowResult> {
  const { defineCacheScripts } = await fromDist('cache/drivers/redis-scripts.js');
  const redis = defineCacheScripts(new Redis(redisUrl(), { lazyConnect: true }));
  const key = `${NAMESPACE}:bench:rawlock`;
  const value = JSON.stringify('owner-1');
  const hook = benchHook('lock-loop.js');
  try {
    const result = await interleaved({
      ...perCallRounds(quick, N),
      ours: hookLoop(runtime, hook, N),
      baseline: async () => {
        for (let i = 0; i < N; i++) {
          if ((await redis.set(key, value, 'PX', 5000, 'NX')) !== 'OK') throw new Error('raw lock was taken');
          if ((await redis.cacheRelease(key, value)) !== 1) throw new Error('raw lock was not released');
        }
      },
    });
    return {
      id: 'lock',
      label: '$cache.acquire+release in hook vs raw SET NX PX + Lua CAD',
      unit: 'µs/pair',
      target: { op: '<=', value: 1.3 },
      note: `per pair inside one invocation looping ${N} pairs vs a host loop of ${N} SET NX PX + EVALSHA compare-and-delete`,
      ...asLatency(result, 1000),
    };
  } finally {
    redis.disconnect();
  }
}
