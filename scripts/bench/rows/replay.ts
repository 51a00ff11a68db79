/**
 * Row 6: `enfyra-run replay` over 1,000 independent one-request fixture files
 * (generated into a scratch folder: half hello.js, half the cache-first hit
 * path), cases per second, in one process (ENFYRA_REPLAY_WORKERS=0) and in two
 * (=1 worker process besides the main one; the default on 2 cores). Wall time
 * of the whole `enfyra-run replay` process, start-up included; the replay's own
 * in-run duration (its summary line) is reported too.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, scratchDir } from '../lib/project.ts';
import type { RowOptions, RowResult } from '../lib/report.ts';
import { mustSpawn } from '../lib/spawn.ts';
import { median, summarize } from '../lib/stats.ts';

const CASES = 1000;

/** One `enfyra-run replay` process: wall time, the replay's own in-run time, CPU time of it and its workers. */
interface ReplayRun {
  wallMs: number;
  inRunMs: number;
  cpuMs: number;
}

interface ReplayExtra {
  oneProcess: ReplayRun[];
  twoProcesses: ReplayRun[];
  inRunCasesPerSec: { one: number; two: number };
  coresBusy: { one: number; two: number };
}

function writeFixtures(dir: string): void {
  for (let i = 0; i < CASES; i++) {
    const fixture =
      i % 2 === 0
        ? {
            name: `hello ${i}`,
            hook: 'hooks/hello.js',
            request: { params: { id: String(i) } },
            expect: { statusCode: 200, data: { message: 'Hello, admin@localhost!', id: String(i) }, logs: [`hello.js called with id=${i}`] },
          }
        : {
            name: `cache-first hit ${i}`,
            hook: 'hooks/cache-first.js',
            request: { method: 'GET', url: '/users/1', params: { id: '1' } },
            state: { cache: { 'user-profile:1': { value: { id: 1, name: 'Ada Admin' }, ttl: '5m' } } },
            expect: { statusCode: 200, dataMatch: { id: 1 }, logs: ['User profile served from cache: 1'] },
          };
    writeFileSync(path.join(dir, `case-${String(i).padStart(4, '0')}.json`), JSON.stringify(fixture));
  }
}

async function replayOnce(dir: string, workers: number): Promise<ReplayRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ENFYRA_REPLAY_WORKERS: String(workers) };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  // Through bash for its `times` builtin: the CPU time of the replay and its worker processes.
  const res = await mustSpawn('bash', ['-c', '"$0" replay "$1" && times >&2', BIN, dir], { cwd: ROOT, env });
  const passed = /(\d+) passed, (\d+) failed/.exec(res.stdout);
  if (!passed || Number(passed[1]) !== CASES) throw new Error(`replay did not pass ${CASES} cases: ${res.stdout.split('\n').slice(-3).join(' | ')}`);
  const inRun = /fixture files? in ([\d.]+) (ms|s)/.exec(res.stdout);
  const inRunMs = inRun ? Number(inRun[1]) * (inRun[2] === 's' ? 1000 : 1) : NaN;
  const times = [...res.stderr.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  const cpuMs = times.length >= 4 ? times[2] + times[3] : NaN; // children: user + system
  return { wallMs: res.ms, inRunMs, cpuMs };
}

export async function replayRows({ quick }: RowOptions): Promise<RowResult<ReplayExtra>[]> {
  const dir = scratchDir('fixtures');
  writeFixtures(dir);
  const rounds = quick ? 1 : 3;
  const runs: Record<1 | 2, ReplayRun[]> = { 1: [], 2: [] };
  await replayOnce(dir, 0); // warm the page cache
  for (let r = 0; r < rounds; r++) {
    const order: Array<1 | 2> = r % 2 ? [2, 1] : [1, 2];
    for (const procs of order) runs[procs].push(await replayOnce(dir, procs - 1));
  }
  const rate = (list: readonly ReplayRun[], key: 'wallMs' | 'inRunMs') => list.map((x) => (CASES * 1000) / x[key]);
  const one = summarize(rate(runs[1], 'wallMs'));
  const two = summarize(rate(runs[2], 'wallMs'));
  const cores = (list: readonly ReplayRun[]) => median(list.map((x) => x.cpuMs / x.wallMs));
  const oneInRun = median(rate(runs[1], 'inRunMs'));
  const twoInRun = median(rate(runs[2], 'inRunMs'));
  return [
    {
      id: 'replay',
      label: `replay ${CASES} fixture files: 2 processes vs 1`,
      unit: 'cases/s',
      target: null,
      note:
        `whole \`enfyra-run replay\` process (start-up included), ${rounds} run(s) each; in-run rate (summary line): ` +
        `1 proc ${oneInRun.toFixed(0)}/s, 2 procs ${twoInRun.toFixed(0)}/s; CPU used (cores busy on average): ` +
        `1 proc ${cores(runs[1]).toFixed(2)}, 2 procs ${cores(runs[2]).toFixed(2)}`,
      ours: two,
      baseline: one,
      ratio: two.median / one.median,
      roundRatios: runs[2].map((x, i) => runs[1][i].wallMs / x.wallMs),
      extra: {
        oneProcess: runs[1],
        twoProcesses: runs[2],
        inRunCasesPerSec: { one: oneInRun, two: twoInRun },
        coresBusy: { one: cores(runs[1]), two: cores(runs[2]) },
      },
    },
  ];
}
