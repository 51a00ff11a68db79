/**
 * Row 7 (issue 17 row d): RSS after 100,000 invocations vs after 10,000
 * (scripts/bench/memory-child.ts, its own process): a leak keeps growing past
 * 10,000, warm-up does not.
 */
import path from 'node:path';
import { z } from 'zod';
import { BENCH_DIR, ROOT } from '../lib/project.ts';
import type { RowOptions, RowResult } from '../lib/report.ts';
import { mustSpawn } from '../lib/spawn.ts';

/** The line memory-child.ts prints. */
const childReportSchema = z.object({
  readings: z.array(
    z.object({ invocations: z.number(), rssMb: z.number(), anonymousMb: z.number().nullable(), heapUsedMb: z.number(), isolates: z.number() }),
  ),
  ms: z.number(),
});
export type MemoryChildReport = z.infer<typeof childReportSchema>;
type Reading = MemoryChildReport['readings'][number];

interface MemoryExtra {
  readings: Reading[];
  lastVs10k: number;
  mbPerThousandAfter10k: number;
}

export async function memoryRows({ quick }: RowOptions): Promise<RowResult<MemoryExtra>[]> {
  const total = quick ? 20_000 : 100_000;
  const res = await mustSpawn(process.execPath, ['--no-node-snapshot', '--expose-gc', path.join(BENCH_DIR, 'memory-child.ts'), String(total)], {
    cwd: ROOT,
    env: process.env,
  });
  const { readings, ms } = childReportSchema.parse(JSON.parse(res.stdout.trim().split('\n').at(-1) ?? ''));
  const r10k = readings.find((r) => r.invocations === 10_000);
  const last = readings.at(-1);
  if (!r10k || !last) throw new Error(`memory-child.ts took no reading at 10,000 invocations: ${res.stdout.trim()}`);
  const series = readings.map((r) => `${r.invocations / 1000}k ${r.rssMb.toFixed(0)}`).join(', ');
  const perThousandAfter10k = last.invocations > 10_000 ? ((last.rssMb - r10k.rssMb) / (last.invocations - 10_000)) * 1000 : NaN;
  return [
    {
      id: 'memory',
      label: `RSS after ${last.invocations.toLocaleString('en')} invocations vs after 10,000`,
      unit: 'MB RSS',
      target: { op: '<=', value: 1.05 },
      note:
        `mix of hello.js / cache-first hit (Redis) / return 1, 4 at a time, GC forced in the process and every isolate before each reading; ` +
        `RSS series (MB): ${series}; after 10k: ${perThousandAfter10k >= 0 ? '+' : ''}${perThousandAfter10k.toFixed(2)} MB per 1,000 invocations; ` +
        `${(ms / 1000).toFixed(1)} s for ${last.invocations} invocations`,
      ours: { median: last.rssMb, p99: NaN, n: 1 },
      baseline: { median: r10k.rssMb, p99: NaN, n: 1 },
      ratio: last.rssMb / r10k.rssMb,
      roundRatios: [],
      extra: { readings, lastVs10k: last.rssMb / r10k.rssMb, mbPerThousandAfter10k: perThousandAfter10k },
    },
  ];
}
