#!/usr/bin/env node
/**
 * Multi-process lock stress: N OS processes x M iterations of the seed's
 * try/finally lock pattern, run as a hook through the built runtime:
 *
 *   acquire(lock) -> get(counter) -> setNoExpire(counter, n + 1) -> release(lock)
 *   (acquire returning false: wait 1 ms and try again)
 *
 * against a single Redis, a Redis Cluster (3 masters + 3 replicas) and a
 * primary + replica + 3 Sentinels, each started privately by harness.ts and
 * removed afterwards. Reports per topology:
 * - lost updates: N x M minus the final counter (0 unless the lock failed or
 *   the store lost data); duplicate values: two holders read the same counter;
 *   overlapping holders: a holder acquired before the previous one released;
 * - locks lost: releases that found the lock no longer ours (TTL ran out);
 * - lock hand-off latency p50/p99/max: from a holder starting its release to
 *   the next holder's acquire returning true (whoever that is), i.e. release
 *   round trip + the waiter's retry delay + acquire round trip;
 * - lock cycles per second over the run.
 *
 * Usage (needs `npm run build` first; not part of `npm test`):
 *   node --no-node-snapshot scripts/redis/stress.ts [--topology single|cluster|sentinel|all]
 *        [--processes 4] [--iterations 200] [--url redis://...] [--fault] [--json]
 *
 * --url runs the single topology against that server instead of a private one.
 * --fault kills the primary serving the lock mid-run (single: restarts it) to
 * show what a failover does to locks; lost updates are then possible and are
 * reported, not treated as a failure. Exit code 1 when a run without --fault
 * loses an update.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EnfyraConfigInput } from '../../runtime/index.ts';
import type { HostModule } from '../../runtime/sandbox/host-module.ts';
import { BUILT_RUNTIME, importBuilt, ROOT } from '../lib/built.ts';
import {
  missingRedisBinaries,
  sleep,
  startRedisCluster,
  startRedisSentinel,
  startSingle,
  type CacheRedisConfig,
  type ClusterTopology,
  type SentinelTopology,
  type SingleTopology,
  type TopologyKind,
} from './harness.ts';

const SELF = fileURLToPath(import.meta.url);
const LOCK_TTL_MS = 5000;
const KINDS: readonly TopologyKind[] = ['single', 'cluster', 'sentinel'];

// The seed's "Lock Pattern with Try-Finally", retrying instead of answering 409.
const HOOK = `
const me = $ctx.$params.owner;
let attempts = 0;
while (!(await $ctx.$cache.acquire('stress:lock', me, ${LOCK_TTL_MS}))) {
  attempts++;
  await $ctx.$helpers.$sleep(1);
}
const acquiredAt = $ctx.$stress.now();
let value = null;
let releaseAt = 0;
let released = false;
try {
  const current = (await $ctx.$cache.get('stress:counter')) || 0;
  value = current + 1;
  await $ctx.$cache.setNoExpire('stress:counter', value);
} finally {
  releaseAt = $ctx.$stress.now();
  released = await $ctx.$cache.release('stress:lock', me);
}
return { value, acquiredAt, releaseAt, released, attempts };
`;

function flag(argv: readonly string[], name: string, fallback: string): string;
function flag(argv: readonly string[], name: string, fallback: undefined): string | undefined;
function flag(argv: readonly string[], name: string, fallback: string | undefined): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
}

/** What one run of HOOK returns. */
const cycleSchema = z.object({
  value: z.number().nullable(),
  acquiredAt: z.number(),
  releaseAt: z.number(),
  released: z.boolean(),
  attempts: z.number(),
});
/** The line a worker prints when it is done. */
const outcomeSchema = z.object({
  id: z.string(),
  results: z.array(cycleSchema),
  errors: z.number(),
  errorLog: z.array(z.object({ at: z.number(), message: z.string() })),
});
type WorkerOutcome = z.infer<typeof outcomeSchema>;

// ---- worker: one process, M iterations --------------------------------------------

async function worker([configJson = '{}', id = '?', iterations = '0', startAt = '0']: readonly string[]): Promise<void> {
  const { createRuntime } = await importBuilt('index.js');
  const clock: HostModule = {
    path: '$stress',
    methods: { now: { kind: 'sync', call: () => performance.timeOrigin + performance.now() } },
  };
  const config: EnfyraConfigInput = JSON.parse(configJson);
  const runtime = await createRuntime({ config, cwd: ROOT, env: {}, modules: [clock] });
  const hook = { source: HOOK, filename: 'stress-lock.js' };
  await sleep(Math.max(0, Number(startAt) - Date.now()));
  const results: WorkerOutcome['results'] = [];
  let errors = 0;
  const errorLog: WorkerOutcome['errorLog'] = [];
  for (let i = 0; i < Number(iterations); i++) {
    for (;;) {
      const envelope = await runtime.run(hook, { params: { owner: `${id}:${i}` } });
      if (envelope.error === null) {
        results.push(cycleSchema.parse(envelope.data));
        break;
      }
      // A 503 while Redis is away (--fault): count it and run the iteration again.
      errors++;
      if (errorLog.length < 20) errorLog.push({ at: Date.now(), message: envelope.error.message });
      if (errors > 100_000) throw new Error(`worker ${id}: too many errors, last ${JSON.stringify(envelope.error)}`);
      await sleep(20);
    }
  }
  await runtime.close();
  const outcome: WorkerOutcome = { id, results, errors, errorLog };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

// ---- coordinator ---------------------------------------------------------------------

function runWorker(config: EnfyraConfigInput, id: number, iterations: number, startAt: number): Promise<WorkerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--no-node-snapshot', SELF, '--worker', JSON.stringify(config), String(id), String(iterations), String(startAt)],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`worker ${id} exited ${code}: ${stderr}`));
      else {
        try {
          resolve(outcomeSchema.parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')));
        } catch (err) {
          reject(new Error(`worker ${id} printed no outcome: ${err instanceof Error ? err.message : String(err)}`));
        }
      }
    });
  });
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 100) / 100);

/** A server given with --url: not ours to stop or fault. */
interface ExternalServer {
  readonly kind: 'external';
  readonly cacheRedisConfig: CacheRedisConfig;
  stop(): Promise<void>;
}
type StressTopology = ExternalServer | SingleTopology | ClusterTopology | SentinelTopology;

function startTopology(kind: TopologyKind, url: string | undefined): Promise<StressTopology> {
  if (kind === 'single' && url) return Promise.resolve({ kind: 'external', cacheRedisConfig: { url }, stop: async () => {} });
  if (kind === 'single') return startSingle();
  if (kind === 'cluster') return startRedisCluster({ masters: 3, replicas: 1 });
  return startRedisSentinel({ name: 'enfyra-stress' });
}

/** Kill (or, for a single server, restart) the primary serving the lock key, a while into the run. */
async function injectFault(topology: SingleTopology | ClusterTopology | SentinelTopology, namespace: string, afterMs: number): Promise<string> {
  await sleep(afterMs);
  if (topology.kind === 'single') {
    await topology.server.stop({ kill: true });
    await sleep(1000);
    await topology.server.restart();
    return 'killed the server, restarted it 1 s later (no persistence: the counter starts again from 0)';
  }
  if (topology.kind === 'cluster') {
    const victim = await topology.masterFor(`${namespace}:user_cache:stress:lock`);
    await victim.stop({ kill: true });
    return `killed the master serving the lock (port ${victim.port}); its replica takes over`;
  }
  const master = await topology.currentMaster();
  if (master === null) throw new Error('no primary to kill: the Sentinels do not agree on one');
  await master.stop({ kill: true });
  return `killed the primary (port ${master.port}); the Sentinels promote the replica`;
}

interface StressOptions {
  processes: number;
  iterations: number;
  url: string | undefined;
  fault: boolean;
  faultAfterMs: number;
  verbose: boolean;
}

async function stress(kind: TopologyKind, options: StressOptions) {
  const topology = await startTopology(kind, options.url);
  const namespace = `stress-${process.pid}-${Date.now().toString(36)}`;
  try {
    const config: EnfyraConfigInput = {
      cache: { driver: 'redis', namespace, redis: { ...topology.cacheRedisConfig, commandTimeoutMs: 1000 } },
      database: { sqlitePath: ':memory:' },
      sandbox: { wallTimeoutMs: 120_000, cpuTimeoutMs: 5000 },
    };
    const startAt = Date.now() + 1500; // every worker has loaded the runtime by then
    const workers = Array.from({ length: options.processes }, (_, id) => runWorker(config, id, options.iterations, startAt));
    const fault = options.fault && topology.kind !== 'external' ? injectFault(topology, namespace, 1500 + options.faultAfterMs) : null;
    const outcomes = await Promise.all(workers);
    const faultNote = fault ? await fault : null;
    const endedAt = Date.now();

    const cycles = outcomes.flatMap((o) => o.results).sort((a, b) => a.acquiredAt - b.acquiredAt);
    const expected = options.processes * options.iterations;
    const { createCacheDriver } = await importBuilt('cache/create-driver.js');
    const { cacheSchema } = await importBuilt('config/schema.js');
    const driver = createCacheDriver(cacheSchema.parse(config.cache));
    const counter = z.number().parse(JSON.parse((await driver.get(`${namespace}:user_cache:stress:counter`)) ?? '0'));
    await driver.close();

    const values = new Set(cycles.map((c) => c.value));
    const handoffs: number[] = [];
    for (let i = 1; i < cycles.length; i++) handoffs.push(cycles[i].acquiredAt - cycles[i - 1].releaseAt);
    handoffs.sort((a, b) => a - b);
    const lastRelease = Math.max(...cycles.map((c) => c.releaseAt));
    return {
      topology: kind,
      processes: options.processes,
      iterations: options.iterations,
      expected,
      counter,
      lostUpdates: expected - counter,
      duplicateValues: cycles.length - values.size,
      locksLost: cycles.filter((c) => !c.released).length,
      errors: outcomes.reduce((n, o) => n + o.errors, 0),
      handoffMs: { p50: round(percentile(handoffs, 50)), p99: round(percentile(handoffs, 99)), max: round(handoffs.at(-1) ?? null) },
      overlapping: handoffs.filter((ms) => ms < 0).length,
      lockCyclesPerSec: Math.round((cycles.length / (lastRelease - cycles[0].acquiredAt)) * 1000),
      wallMs: endedAt - startAt,
      ...(faultNote && { fault: faultNote }),
      ...(options.verbose && { errorLog: outcomes.flatMap((o) => o.errorLog.map((e) => ({ ...e, at: e.at - startAt }))) }),
    };
  } finally {
    await topology.stop();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--worker') {
    await worker(argv.slice(1));
    return 0;
  }
  if (!existsSync(path.join(BUILT_RUNTIME, 'index.js'))) {
    console.error('stress: dist/ is missing; run `npm run build` first');
    return 1;
  }
  const topology = flag(argv, '--topology', 'all');
  const kinds = topology === 'all' ? KINDS : KINDS.filter((kind) => kind === topology);
  if (kinds.length === 0) {
    console.error(`stress: unknown topology ${topology} (single, cluster, sentinel or all)`);
    return 2;
  }
  const url = flag(argv, '--url', undefined);
  const missing = missingRedisBinaries(kinds.includes('cluster') ? ['redis-server', 'redis-cli'] : ['redis-server']);
  if (missing.length && !(url && kinds.length === 1 && kinds[0] === 'single')) {
    console.error(`stress: ${missing.join(' and ')} not found on PATH; install Redis (e.g. apt-get install redis-server)`);
    return 1;
  }
  const options: StressOptions = {
    processes: Number(flag(argv, '--processes', '4')),
    iterations: Number(flag(argv, '--iterations', '200')),
    url,
    fault: argv.includes('--fault'),
    faultAfterMs: Number(flag(argv, '--fault-after', '1000')),
    verbose: argv.includes('--verbose'),
  };
  const json = argv.includes('--json');
  let failed = false;
  for (const kind of kinds) {
    const report = await stress(kind, options);
    if (!options.fault && (report.lostUpdates !== 0 || report.duplicateValues !== 0 || report.overlapping !== 0)) failed = true;
    if (json) console.log(JSON.stringify(report));
    else {
      const h = report.handoffMs;
      console.log(
        `${kind.padEnd(8)} ${report.processes} procs x ${report.iterations}: counter ${report.counter}/${report.expected}, ` +
          `lost updates ${report.lostUpdates}, duplicate values ${report.duplicateValues}, overlapping holders ${report.overlapping}, ` +
          `locks lost ${report.locksLost}, errors ${report.errors}, ` +
          `hand-off p50 ${h.p50} ms p99 ${h.p99} ms max ${h.max} ms, ${report.lockCyclesPerSec} lock cycles/s` +
          (report.fault ? `\n         fault: ${report.fault}` : ''),
      );
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
