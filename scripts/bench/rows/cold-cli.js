/**
 * Row 5: `enfyra-run hooks/hello.js` as a whole process (the bin file run
 * directly, as a shell runs it: its shebang adds --no-node-snapshot) vs
 * `node -e 0`. Spawns alternate between the two. Then a breakdown of where
 * start-up goes, from scripts/bench/cli-phases.js (same modules, same entry).
 */
import path from 'node:path';
import { BIN, BENCH_DIR, NAMESPACE, ROOT } from '../lib/project.js';
import { redisUrl } from '../lib/redis.js';
import { mustSpawn } from '../lib/spawn.js';
import { median, summarize } from '../lib/stats.js';

// The CLI with default config (SQLite cache and database under .enfyra/; hello.js touches neither).
const cliEnv = () => {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  return env;
};

export async function coldCliRows({ quick }) {
  const rounds = quick ? 3 : 12;
  const env = cliEnv();
  const ours = [];
  const baseline = [];
  const noSnapshot = [];
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
  const phaseRuns = [];
  const phaseTotals = [];
  let loadedAtRun = [];
  const phasesScript = path.join(BENCH_DIR, 'cli-phases.js');
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const res = await mustSpawn(process.execPath, ['--no-node-snapshot', phasesScript, '--redis', '--', 'hooks/hello.js'], {
      cwd: ROOT,
      env: { ...env, REDIS_URL_FOR_PROBE: redisUrl(), NODE_NAME: NAMESPACE },
    });
    const line = res.stderr.split('\n').find((l) => l.startsWith('@@PHASES '));
    if (!line) throw new Error('cli-phases printed no timings');
    const parsed = JSON.parse(line.slice('@@PHASES '.length));
    const phases = parsed.phases;
    loadedAtRun = parsed.loadedAtRun;
    phases['process exit + spawn overhead'] = res.ms - phases.endMark;
    delete phases.endMark;
    phaseRuns.push(phases);
    phaseTotals.push(res.ms);
  }
  const breakdown = {};
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
