/**
 * Row 7: RSS after 10,000 invocations vs after 1,000
 * (scripts/bench/memory-child.js, its own process). Readings continue to
 * `total` invocations: a leak keeps growing past 10,000, warm-up does not.
 */
import path from 'node:path';
import { BENCH_DIR, ROOT } from '../lib/project.js';
import { mustSpawn } from '../lib/spawn.js';

export async function memoryRows({ quick }) {
  const total = quick ? 10_000 : 20_000;
  const res = await mustSpawn(process.execPath, ['--no-node-snapshot', '--expose-gc', path.join(BENCH_DIR, 'memory-child.js'), String(total)], {
    cwd: ROOT,
    env: process.env,
  });
  const { readings, ms } = JSON.parse(res.stdout.trim().split('\n').pop());
  const at = (n) => readings.find((r) => r.invocations === n);
  const r1k = at(1000);
  const r10k = at(10_000);
  const last = readings[readings.length - 1];
  const series = readings.map((r) => `${r.invocations / 1000}k ${r.rssMb.toFixed(0)}`).join(', ');
  const perThousandAfter10k = last.invocations > 10_000 ? ((last.rssMb - r10k.rssMb) / (last.invocations - 10_000)) * 1000 : NaN;
  return [
    {
      id: 'memory',
      label: 'RSS after 10,000 invocations vs after 1,000',
      unit: 'MB RSS',
      target: { op: '<=', value: 1.1, text: '~1.0' },
      note:
        `mix of hello.js / cache-first hit (Redis) / return 1, 4 at a time, GC forced in the process and every isolate before each reading; ` +
        `RSS series (MB): ${series}; after 10k: ${perThousandAfter10k >= 0 ? '+' : ''}${perThousandAfter10k.toFixed(2)} MB per 1,000 invocations; ` +
        `${(ms / 1000).toFixed(1)} s for ${last.invocations} invocations`,
      ours: { median: r10k.rssMb, p99: NaN, n: 1 },
      baseline: { median: r1k.rssMb, p99: NaN, n: 1 },
      ratio: r10k.rssMb / r1k.rssMb,
      roundRatios: [],
      extra: { readings, lastVs10k: last.rssMb / r10k.rssMb, mbPerThousandAfter10k: perThousandAfter10k },
    },
  ];
}
