/**
 * Row 1: `$cache.get` from inside a hook vs the same GET through raw ioredis
 * from the host. Both sequential, each on one connection of its own.
 * Ours: one invocation running a loop of N gets (the invocation's own
 * overhead is amortized over N and included). Baseline: a host loop of N
 * `JSON.parse(await redis.get(key))` (the decode $cache.get also does).
 */
import { Redis } from 'ioredis';
import { interleaved, hookLoop, perCallRounds } from '../lib/interleave.ts';
import { asLatency, type InProcessRowOptions, type RowResult } from '../lib/report.ts';
import { benchHook, NAMESPACE } from '../lib/project.ts';
import { redisUrl } from '../lib/redis.ts';

const N = 500;
const VALUE = { id: 1, email: 'admin@example.com', name: 'Ada Admin', role: 'admin', profile: { locale: 'en', theme: 'dark' } };

export async function cacheGetRow({ runtime, quick }: InProcessRowOptions): Promise<RowResult> {
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  const key = `${NAMESPACE}:user_cache:bench:get`;
  await redis.set(key, JSON.stringify(VALUE));
  const hook = benchHook('cache-get-loop.js');
  try {
    const result = await interleaved({
      ...perCallRounds(quick, N),
      ours: hookLoop(runtime, hook, N),
      baseline: async () => {
        let value: { id?: unknown } | null = null;
        for (let i = 0; i < N; i++) {
          const raw = await redis.get(key);
          value = raw === null ? null : JSON.parse(raw);
        }
        if (value?.id !== 1) throw new Error('unexpected value');
      },
    });
    return {
      id: 'cache-get',
      label: '$cache.get in hook vs raw ioredis GET (per call, seq., 1 conn.)',
      unit: 'µs/call',
      target: { op: '<=', value: 1.2 },
      note: `per call inside one invocation looping ${N} gets (invocation overhead amortized) vs a host loop of ${N} GET + JSON.parse`,
      ...asLatency(result, 1000),
    };
  } finally {
    await redis.del(key);
    redis.disconnect();
  }
}
