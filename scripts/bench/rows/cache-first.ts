/**
 * Row 4: seed Pattern 1 (hooks/cache-first.js), cache-hit path on the Redis
 * driver, through the full runtime: at concurrency 1 and 8 against the same
 * logic written directly in host Node with ioredis (GET -> JSON.parse ->
 * return), and at concurrency 32 against the bare isolated-vm floor (issue 17
 * row c: new context + precompiled trivial script, same concurrency and
 * isolate count). A sample is a batch of requests spread over `c` concurrent
 * lanes; throughput = requests / batch time.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { interleaved } from '../lib/interleave.ts';
import { asRate, type InProcessRowOptions, type RowResult } from '../lib/report.ts';
import { NAMESPACE, ROOT } from '../lib/project.ts';
import { redisUrl } from '../lib/redis.ts';
import { bareFloor, lanes } from '../lib/floor.ts';

const USER = {
  id: 1,
  email: 'admin@example.com',
  name: 'Ada Admin',
  role: 'admin',
  isRootAdmin: true,
  isActive: true,
  lastLoginAt: '2024-01-21T08:00:00.000Z',
  profile: { locale: 'en', theme: 'dark' },
  createdAt: '2024-01-01T09:00:00.000Z',
  updatedAt: '2024-01-01T09:00:00.000Z',
};

const hasId = (data: unknown, id: number): boolean => typeof data === 'object' && data !== null && 'id' in data && data.id === id;

export async function cacheFirstRows({ runtime, quick }: InProcessRowOptions): Promise<RowResult[]> {
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  const key = `${NAMESPACE}:user_cache:user-profile:1`;
  await redis.set(key, JSON.stringify(USER), 'PX', 600_000);
  const hook = path.join(ROOT, 'hooks', 'cache-first.js');
  const request = { method: 'GET', url: '/users/1', params: { id: '1' } };
  const rows: RowResult[] = [];
  try {
    for (const concurrency of [1, 8, 32]) {
      const total = concurrency === 1 ? 40 : 128;
      const ops = Math.ceil(total / concurrency) * concurrency;
      const isolates = Math.min(concurrency, runtime.config.sandbox.maxIsolates);
      const floor = concurrency === 32 ? bareFloor({ isolates, memoryLimitMb: runtime.config.sandbox.memoryLimitMb }) : null;
      const result = await interleaved({
        rounds: quick ? 2 : 5,
        time: quick ? 200 : 600,
        iterations: 5,
        opsPerSample: ops,
        ours: () =>
          lanes(concurrency, total, async () => {
            const env = await runtime.run(hook, request);
            if (env.statusCode !== 200 || !hasId(env.data, 1)) throw new Error(`cache-first failed: ${JSON.stringify(env.error)}`);
          }),
        baseline: floor ? () => floor.sample(concurrency, total) : () =>
          lanes(concurrency, total, async () => {
            const raw = await redis.get(key);
            const profile: { id?: unknown } | null = raw === null ? null : JSON.parse(raw);
            if (profile?.id !== 1) throw new Error('unexpected value');
            return profile;
          }),
      });
      floor?.dispose();
      rows.push({
        id: `cache-first-c${concurrency}`,
        label: `Pattern 1 cache-first hit, concurrency ${concurrency}` + (floor ? ' vs bare isolated-vm floor' : ' vs ioredis in Node'),
        unit: 'req/s',
        target: floor ? { op: '>=', value: 3 } : null,
        note: `throughput ratio = ours/baseline (higher is better); ${ops} requests per sample over ${concurrency} lane(s); pool maxIsolates ${runtime.config.sandbox.maxIsolates}` +
          (floor ? `; floor on ${isolates} isolate(s)` : ''),
        ...asRate(result),
      });
    }
    return rows;
  } finally {
    await redis.del(key);
    redis.disconnect();
  }
}
