/**
 * Row 3 (issue 17 row a): a hook that does `return 1` through the full runtime (`runtime.run`: hook
 * lookup, pooled isolate, its reused frozen context, a fresh `$ctx`, the result envelope) at
 * concurrency 1 and 16, against the bare isolated-vm floor (new context + precompiled trivial script)
 * at the same concurrency and isolate count. Throughput; the ratio is ours ÷ floor (higher is better).
 */
import { interleaved } from '../lib/interleave.ts';
import { asRate, type InProcessRowOptions, type RowResult } from '../lib/report.ts';
import { benchHook } from '../lib/project.ts';
import { bareFloor, lanes } from '../lib/floor.ts';

export async function trivialHookRow({ runtime, quick }: InProcessRowOptions): Promise<RowResult[]> {
  const hook = benchHook('return-1.js');
  const rows: RowResult[] = [];
  for (const concurrency of [1, 16]) {
    const isolates = Math.min(concurrency, runtime.config.sandbox.maxIsolates);
    const floor = bareFloor({ isolates, memoryLimitMb: runtime.config.sandbox.memoryLimitMb });
    const total = concurrency === 1 ? 20 : 64;
    try {
      const result = await interleaved({
        rounds: quick ? 2 : 6,
        time: quick ? 200 : 500,
        iterations: 5,
        opsPerSample: Math.ceil(total / concurrency) * concurrency,
        ours: () =>
          lanes(concurrency, total, async () => {
            const env = await runtime.run(hook);
            if (env.data !== 1) throw new Error(`return-1 failed: ${JSON.stringify(env.error)}`);
          }),
        baseline: () => floor.sample(concurrency, total),
      });
      rows.push({
        id: `trivial-hook-c${concurrency}`,
        label: `hook \`return 1\` at concurrency ${concurrency} vs bare isolated-vm floor`,
        unit: 'inv/s',
        target: { op: '>=', value: 4 },
        note: `floor = await createContext + precompiled script.run + release, ${concurrency} lane(s) on ${isolates} isolate(s); ratio = ours/floor throughput`,
        ...asRate(result),
      });
    } finally {
      floor.dispose();
    }
  }
  return rows;
}
