/**
 * Row 7, in a process of its own (so the other rows' allocations do not
 * count): RSS after 1,000 and after 10,000 invocations of a mix of hooks
 * (hello.js, the cache-first hit path on Redis, return 1), 4 at a time, with
 * readings in between and after `total` (default 20,000) to tell warm-up from a
 * leak. Before each reading a full, last-resort GC (the kind that hands freed
 * pages back to the system) runs in this process and in every pooled isolate
 * (with --expose-gc, V8 gives each new context a `gc()`, called by a tiny hook
 * once per isolate): a plain gc() leaves the young generation at whatever size
 * V8 grew it to, so RSS would read V8's sizing, not what is still held.
 * Prints one JSON line.
 *
 *   node --no-node-snapshot --expose-gc scripts/bench/memory-child.ts [total]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { HookRequest } from '../../runtime/index.ts';
import { benchHook, createBenchRuntime, NAMESPACE, removeScratch, ROOT } from './lib/project.ts';
import { redisUrl } from './lib/redis.ts';
import type { MemoryChildReport } from './rows/memory.ts';

type Reading = MemoryChildReport['readings'][number];

if (typeof globalThis.gc !== 'function') {
  process.stderr.write('memory-child: run with --expose-gc\n');
  process.exit(2);
}
const gc = globalThis.gc;

const TOTAL = Number(process.argv[2] ?? 20_000);
const LANES = 4;
const READ_AT = [1000, 2500, 5000, 10_000, 20_000, 50_000, 100_000].filter((n) => n <= TOTAL);

const redis = new Redis(redisUrl(), { lazyConnect: true });
const key = `${NAMESPACE}:user_cache:user-profile:1`;
await redis.set(key, JSON.stringify({ id: 1, name: 'Ada Admin', email: 'admin@example.com' }), 'PX', 600_000);
const runtime = await createBenchRuntime();
const hooks: Array<[string, HookRequest]> = [
  [path.join(ROOT, 'hooks', 'hello.js'), { params: { id: '7' } }],
  [path.join(ROOT, 'hooks', 'cache-first.js'), { params: { id: '1' } }],
  [benchHook('return-1.js'), {}],
];
const FULL_GC = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;
const gcHook = { source: `if (typeof gc === 'function') gc(${JSON.stringify(FULL_GC)}); return 1;`, filename: 'bench-gc.js' };

/** Anonymous memory from /proc (Linux), or null where it cannot be read. */
function anonymousMb(): number | null {
  try {
    const kb = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

async function reading(): Promise<Reading> {
  for (let i = 0; i < 2; i++) {
    // One gc hook per pooled isolate (LANES at once take every idle isolate), then this process.
    await Promise.all(Array.from({ length: runtime.poolSize.live }, () => runtime.run(gcHook)));
    gc(FULL_GC);
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  const mb = (b: number) => b / 1024 / 1024;
  return { invocations: done, rssMb: mb(m.rss), anonymousMb: anonymousMb(), heapUsedMb: mb(m.heapUsed), isolates: runtime.poolSize.live };
}

let done = 0;
async function runUntil(limit: number): Promise<void> {
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (done < limit) {
        const [hook, request] = hooks[done % hooks.length];
        done++;
        const env = await runtime.run(hook, request);
        if (env.statusCode !== 200) throw new Error(`${hook}: ${JSON.stringify(env.error)}`);
      }
    }),
  );
}

const t0 = performance.now();
const readings: Reading[] = [];
for (const n of READ_AT) {
  await runUntil(n);
  readings.push(await reading());
}
const ms = performance.now() - t0;
await runtime.close();
await redis.del(key);
redis.disconnect();
removeScratch();
const report: MemoryChildReport = { readings, ms };
process.stdout.write(JSON.stringify(report) + '\n');
