/**
 * Row 5: `enfyra-run hooks/hello.js` as a whole process (the bin file run
 * directly, as a shell runs it: its shebang adds --no-node-snapshot) vs
 * `node -e 0`. Spawns alternate between the two. Then a breakdown of where
 * start-up goes, from scripts/bench/cli-phases.js (same modules, same entry).
 */
import path from 'node:path';
import { z } from 'zod';
import { BIN, BENCH_DIR, NAMESPACE, ROOT } from '../lib/project.ts';
import { redisUrl } from '../lib/redis.ts';
import type { RowOptions, RowResult } from '../lib/report.ts';
import { mustSpawn } from '../lib/spawn.ts';
import { median, summarize, type Summary } from '../lib/stats.ts';

/** What cli-phases.js prints to stderr after `@@PHASES `. */
const phasesSchema = z.object({
  code: z.number(),
  /** ms per phase, and `endMark`: ms since the process started when it was done. */
  phases: z.record(z.string(), z.number()).and(z.object({ endMark: z.number() })),
  loadedAtRun: z.array(z.string()),
});

interface ColdCliExtra {
  nodeNoSnapshotMs: Summary;
  breakdownMs: Record<string, number>;
  breakdownTotalMs: number;
  heavyPackagesLoadedByHelloRun: string[];
}
export type ColdCliRow = RowResult<ColdCliExtra> & { id: 'cold-cli' };
export const isColdCliRow = <R extends RowResult>(row: R): row is R & ColdCliRow => row.id === 'cold-cli';

// The CLI with default config (SQLite cache and database under .enfyra/; hello.js touches neither).
const cliEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  return env;
};

export async function coldCliRows({ quick }: RowOptions): Promise<ColdCliRow[]> {
  const rounds = quick ? 3 : 12;
  const env = cliEnv();
  const ours: number[] = [];
  const baseline: number[] = [];
  const noSnapshot: number[] = [];
  // Warm the page cache for both.
  await mustSpawn(process.execPath, ['-e', '0'], { env });
  await mustSpawn(BIN, ['hooks/hello.js'], { cwd: ROOT, env });
  for (let r = 0; r < rounds; r++) {
    const steps = [
      async () => baseline.push((await mustSpawn(process.execPath, ['-e', '0'], { env })).ms),
      async () => ours.push((await mustSpawn(BIN, ['hooks/hello.js'], { cwd: ROOT, env })).ms),
      async () => noSnapshot.push((await mustSpawn(process.execPath, ['--no-node-snapshot', '-e', '0'], { env })).ms),
    ];
    if (r % 2) steps.reverse();
    for (const step of steps) await step();
  }

  // Breakdown: median of each phase over a few runs.
  const phaseRuns: Array<Record<string, number>> = [];
  const phaseTotals: number[] = [];
  let loadedAtRun: string[] = [];
  const phasesScript = path.join(BENCH_DIR, 'cli-phases.js');
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const res = await mustSpawn(process.execPath, ['--no-node-snapshot', phasesScript, '--redis', '--', 'hooks/hello.js'], {
      cwd: ROOT,
      env: { ...env, REDIS_URL_FOR_PROBE: redisUrl(), NODE_NAME: NAMESPACE },
    });
    const line = res.stderr.split('\n').find((l) => l.startsWith('@@PHASES '));
    if (!line) throw new Error('cli-phases printed no timings');
    const parsed = phasesSchema.parse(JSON.parse(line.slice('@@PHASES '.length)));
    const { endMark, ...phases } = parsed.phases;
    loadedAtRun = parsed.loadedAtRun;
    phases['process exit + spawn overhead'] = res.ms - endMark;
    phaseRuns.push(phases);
    phaseTotals.push(res.ms);
  }
  const breakdown: Record<string, number> = {};
  for (const name of Object.keys(phaseRuns[0])) breakdown[name] = median(phaseRuns.map((p) => p[name]));

  const oursS = summarize(ours);
  const baseS = summarize(baseline);
  return [
    {
      id: 'cold-cli',
      label: 'cold CLI `enfyra-run hooks/hello.js` vs `node -e 0`',
      unit: 'ms/process',
      target: { op: '<=', value: 4 },
      note: `${rounds} alternating spawns each; wall time spawn -> exit`,
      ours: oursS,
      baseline: baseS,
      ratio: oursS.median / baseS.median,
      roundRatios: ours.map((v, i) => v / baseline[i]),
      extra: {
        nodeNoSnapshotMs: summarize(noSnapshot),
        breakdownMs: breakdown,
        breakdownTotalMs: median(phaseTotals),
        heavyPackagesLoadedByHelloRun: loadedAtRun,
      },
    },
  ];
}
