/**
 * `npm run bench`: runtime overhead against side-by-side baselines, measured
 * in the same run. Prints a table and writes the same figures to
 * bench-results/latest.json (git-ignored). Needs Redis (REDIS_URL or
 * 127.0.0.1:6379) and a build (`npm run bench` builds first).
 *
 *   node --no-node-snapshot scripts/bench/run.ts [--quick] [--only=cache-get,lock,trivial-hook,crossing,cache-first,cold-cli,replay,memory,dev-server,relations,leakage] [--out=file] [--strict]
 *
 * --quick: fewer rounds (a smoke test, not for figures); --strict: exit 1 when a target is missed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Runtime } from '../../runtime/index.ts';
import { createBenchRuntime, NAMESPACE, removeScratch, ROOT } from './lib/project.ts';
import { pingRedis, redisUrl } from './lib/redis.ts';
import {
  formatMarkdown,
  formatTable,
  targetMet,
  type InProcessRowOptions,
  type Row,
  type RowOptions,
  type RowResult,
} from './lib/report.ts';
import { cacheGetRow } from './rows/cache-get.ts';
import { lockRow } from './rows/lock.ts';
import { trivialHookRow } from './rows/trivial-hook.ts';
import { cacheFirstRows } from './rows/cache-first.ts';
import { coldCliRows, isColdCliRow } from './rows/cold-cli.ts';
import { replayRows } from './rows/replay.ts';
import { memoryRows } from './rows/memory.ts';
import { crossingRow } from './rows/crossing.ts';
import { devServerRows } from './rows/dev-server.ts';
import { relationsRow } from './rows/relations.ts';
import { leakageRow } from './rows/leakage.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const strict = args.includes('--strict');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const out = path.resolve(ROOT, args.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? 'bench-results/latest.json');

const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

if (!process.execArgv.includes('--no-node-snapshot')) {
  log('run me with `node --no-node-snapshot` (isolated-vm needs it on Node 20), or use `npm run bench`');
  process.exit(2);
}

try {
  await pingRedis();
} catch (err) {
  process.stderr.write(
    `\nbench: REDIS IS NOT AVAILABLE at ${redisUrl()}: ${err instanceof Error ? err.message : String(err)}\n` +
      'bench: rows 1, 2, 4 and 7 measure the Redis driver; start redis-server or set REDIS_URL, then run again.\n\n',
  );
  process.exit(1);
}

type Measured = RowResult | RowResult[];
/** A row module: in-process ones share one runtime (created when the first of them runs). */
type RowModule = { id: string; n: string } & (
  | { inProcess: true; run: (options: InProcessRowOptions) => Promise<Measured> }
  | { inProcess?: false; run: (options: RowOptions) => Promise<Measured> }
);

const ROWS: RowModule[] = [
  { id: 'cache-get', n: '1', inProcess: true, run: cacheGetRow },
  { id: 'lock', n: '2', inProcess: true, run: lockRow },
  { id: 'trivial-hook', n: '3', inProcess: true, run: trivialHookRow },
  { id: 'crossing', n: '3i', run: crossingRow },
  { id: 'cache-first', n: '4', inProcess: true, run: cacheFirstRows },
  { id: 'cold-cli', n: '5', run: coldCliRows },
  { id: 'replay', n: '6', run: replayRows },
  { id: 'memory', n: '7', run: memoryRows },
  { id: 'dev-server', n: '8', run: devServerRows },
  { id: 'relations', n: '9', run: relationsRow },
  { id: 'leakage', n: '10', inProcess: true, run: leakageRow },
];

const started = performance.now();
const noiseBefore = await systemNoise();
if (noiseBefore.loadavg1 > os.cpus().length * 0.5 || noiseBefore.redisOpsPerSec > 1000) {
  log(`WARNING: the machine is busy (load ${noiseBefore.loadavg1.toFixed(2)} on ${os.cpus().length} cores, Redis serving ${noiseBefore.redisOpsPerSec} ops/s for others): figures will be noisy`);
}
const selected = ROWS.filter((r) => !only || only.includes(r.id));
const results: Row[] = [];
let runtime: Runtime | null = null;
try {
  for (const row of selected) {
    let measure: () => Promise<Measured>;
    if (row.inProcess) {
      const shared = (runtime ??= await createBenchRuntime());
      measure = () => row.run({ runtime: shared, quick });
    } else {
      measure = () => row.run({ quick });
    }
    const t0 = performance.now();
    log(`${row.id} ...`);
    const produced = [await measure()].flat();
    produced.forEach((r, i) => results.push({ n: produced.length > 1 ? `${row.n}${'abc'[i]}` : row.n, ...r }));
    log(`${row.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await runtime?.close();
  await cleanRedis();
  removeScratch();
}

const totalS = (performance.now() - started) / 1000;
const noiseAfter = await systemNoise();
const table = formatTable(results);
process.stdout.write(`\n${table}\n\n`);
for (const r of results) if (r.note) process.stdout.write(`  ${r.n}: ${r.note}\n`);
const cli = results.find(isColdCliRow)?.extra;
if (cli) {
  process.stdout.write(`\n  5: start-up breakdown (median ms, scripts/bench/cli-phases.js, total ${cli.breakdownTotalMs.toFixed(0)} ms):\n`);
  for (const [name, ms] of Object.entries(cli.breakdownMs)) process.stdout.write(`       ${ms.toFixed(1).padStart(7)}  ${name}\n`);
  process.stdout.write(`       (node --no-node-snapshot -e 0 alone: ${cli.nodeNoSnapshotMs.median.toFixed(0)} ms)\n`);
  process.stdout.write(`       heavy CommonJS packages loaded by the hello.js run: ${cli.heavyPackagesLoadedByHelloRun.join(', ') || 'none'}\n`);
}
process.stdout.write(`\n  ratios: ours/baseline of time per op, except rows 3, 4 and 6 (throughput, higher is better) and 10 (a count).\n`);
process.stdout.write(`  p99 on rate rows: the rate at the p99 sample time. Total bench time ${totalS.toFixed(0)} s.\n`);
process.stdout.write(
  `  machine: ${os.cpus().length} cores, load ${noiseBefore.loadavg1.toFixed(2)} -> ${noiseAfter.loadavg1.toFixed(2)}, ` +
    `Redis ops/s from other clients ${noiseBefore.redisOpsPerSec} -> ${noiseAfter.redisOpsPerSec}\n`,
);

const report = {
  date: new Date().toISOString(),
  quick,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
  redis: redisUrl(),
  git: gitState(),
  noise: { before: noiseBefore, after: noiseAfter },
  totalSeconds: totalS,
  rows: results.map((r) => ({ ...r, met: targetMet(r) })),
  markdown: formatMarkdown(results),
};
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
process.stdout.write(`  written: ${path.relative(process.cwd(), out)}\n`);
if (strict && results.some((r) => targetMet(r) === false)) process.exitCode = 1;

async function cleanRedis() {
  const redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${NAMESPACE}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (err) {
    log(`could not remove the bench's Redis keys (${NAMESPACE}:*): ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    redis.disconnect();
  }
}

/** Load average and how busy Redis is with other clients: a busy machine makes every figure noisy. */
async function systemNoise(): Promise<{ loadavg1: number; redisOpsPerSec: number }> {
  const loadavg1 = os.loadavg()[0];
  let redisOpsPerSec = NaN;
  const redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    const info = await redis.info('stats');
    redisOpsPerSec = Number(/instantaneous_ops_per_sec:(\d+)/.exec(info)?.[1] ?? NaN);
  } catch {
    // reported as NaN
  } finally {
    redis.disconnect();
  }
  return { loadavg1, redisOpsPerSec };
}

function gitState(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? '+dirty' : ''}`;
  } catch {
    return null;
  }
}
