#!/usr/bin/env node
/**
 * Soak test of the sandbox (`npm run soak`; not part of `npm test`).
 *
 * Runs 100,000 invocations of a mixed set of hooks — ordinary ones, failing ones
 * (throw, $throw, host errors, a syntax error, unhandled rejections), and, sparingly,
 * CPU and wall-clock timeouts and a memory bomb — through one Sandbox in one
 * process, against a test-only host module written here (no cache or database
 * backend). Every 10,000 invocations it records, after a full GC, the
 * process RSS, the host JS heap, and the heap of the pool's idle isolates.
 *
 * Verdict: RSS and host heap after warm-up must stay flat — the mean of the last
 * two samples within 10% of the first sample after warm-up. Exit code 1 otherwise,
 * or when a hook's outcome is not the one expected of it.
 *
 * Needs the build (`dist/`): run through `npm run soak`, or
 *   npm run build && node --no-node-snapshot --expose-gc scripts/soak.ts [total]
 */
import type { HostModule } from '../runtime/sandbox/host-module.ts';
import type { InvocationError, InvocationOutcome } from '../runtime/sandbox/invocation.ts';
import { importBuilt } from './lib/built.ts';

const { Sandbox } = await importBuilt('sandbox/sandbox.js');
const { sandboxSchema } = await importBuilt('config/schema.js');
const { contextData } = await importBuilt('context/request.js');
const { HttpError } = await importBuilt('shared/http-errors.js');

const TOTAL = Number(process.argv[2] ?? 100_000);
const SAMPLE_EVERY = Math.max(1, Math.round(TOTAL / 10));
const WARM_UP = 2 * SAMPLE_EVERY;
const CONCURRENCY = 8;
const MAX_GROWTH = 0.1;

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with --expose-gc (npm run soak does)');
  process.exit(2);
}
const gc = globalThis.gc;

const limits = sandboxSchema.parse({
  cpuTimeoutMs: 500,
  wallTimeoutMs: 2000,
  memoryLimitMb: 64,
  maxIsolates: 4,
  maxLogs: 50,
});

// ---- a test-only host module, like test/support/echo-module.ts ---------------

const store = new Map<string, unknown>();
const putKeys = (scope: Parameters<NonNullable<HostModule['onInvocationEnd']>>[0]) => scope.state(soakModule, (): unknown[] => []);
const soakModule: HostModule = {
  path: '$soak',
  methods: {
    echo: { kind: 'async', call: (_scope, args) => Promise.resolve(args[0]) },
    echoSync: { kind: 'sync', call: (_scope, args) => args[0] },
    put: {
      kind: 'async',
      call: async (scope, args) => {
        // Per-invocation state, cleared by onInvocationEnd: must not accumulate.
        putKeys(scope).push(args[0]);
        store.set(String(args[0]), args[1]);
        return true;
      },
    },
    get: { kind: 'async', call: async (_scope, args) => store.get(String(args[0])) ?? null },
    fail: {
      kind: 'async',
      call: async (_scope, args) => {
        throw new HttpError(Number(args[0]), String(args[1]));
      },
    },
    never: { kind: 'async', call: () => new Promise(() => {}) },
  },
  onInvocationEnd(scope) {
    for (const key of putKeys(scope)) store.delete(String(key));
  },
};

// ---- the hooks: [name, weight, source, check(outcome) -> true when as expected] ---

type Check = (r: InvocationOutcome) => boolean;
/** [name, weight, source, check(outcome) -> true when as expected] */
type Hook = readonly [name: string, weight: number, source: string, check: Check];

type Failed = InvocationOutcome & { error: InvocationError };
const failed = (r: InvocationOutcome): r is Failed => !r.ok && r.error !== null;
const errorIs = (name: string, status: number | null = null) => (r: InvocationOutcome): r is Failed =>
  failed(r) && r.error.name === name && r.error.statusCode === status;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const HOOKS: readonly Hook[] = [
  ['echo', 600, `const v = await $ctx.$soak.echo({ id: $ctx.$params.id, tags: ['a', 'b'] }); return { ...v, n: v.tags.length }`,
    (r) => r.ok && isRecord(r.data) && r.data.n === 2 && r.data.id === '7'],
  ['sync+logs', 300, `const s = $ctx.$soak.echoSync('s'); $ctx.$logs('got', s, { at: 1 }); console.log('twice'); return s`,
    (r) => r.ok && r.data === 's' && r.logs.length === 2],
  ['compute', 300, `const rows = Array.from({ length: 200 }, (_, i) => ({ i, sq: i * i })); return JSON.parse(JSON.stringify(rows)).map((r) => r.sq).reduce((a, b) => a + b, 0)`,
    (r) => r.ok && r.data === 2646700],
  ['state', 120, `const k = 'k' + Math.random(); await $ctx.$soak.put(k, { v: 1 }); return (await $ctx.$soak.get(k)).v`,
    (r) => r.ok && r.data === 1],
  ['parallel', 100, `const all = await Promise.all(Array.from({ length: 50 }, (_, i) => $ctx.$soak.echo(i))); return all.length`,
    (r) => r.ok && r.data === 50],
  ['throw Error', 140, `throw new Error('plain failure')`, errorIs('Error')],
  ['$throw 404', 140, `$ctx.$throw['404']('no such item', { id: $ctx.$params.id })`, (r) => errorIs('NotFoundException', 404)(r) && isRecord(r.error.details) && r.error.details.id === '7'],
  ['throw string', 60, `throw 'just a string'`, (r) => errorIs('Error')(r) && r.error.message.includes('non-Error')],
  ['host 404', 80, `await $ctx.$soak.fail(404, 'missing')`, errorIs('NotFoundException', 404)],
  ['host error caught', 40, `try { await $ctx.$soak.fail(409, 'x') } catch (e) { return e.statusCode }`, (r) => r.ok && r.data === 409],
  ['large result', 40, `return 'x'.repeat(100000)`, (r) => r.ok && typeof r.data === 'string' && r.data.length === 100000],
  // Built-ins are frozen: every change is refused (a TypeError), and the invocation goes on.
  ['pollution', 40, `let refused = 0; for (const change of [() => { Object.prototype.polluted = 1 }, () => { JSON.parse = () => 0 }, () => { Array.prototype.map = null }]) { try { change() } catch { refused++ } } return [refused, ...(await $ctx.$soak.echo([1]))]`,
    (r) => r.ok && Array.isArray(r.data) && r.data[0] === 3 && r.data[1] === 1],
  ['syntax error', 30, `const = ;`, errorIs('SyntaxError')],
  ['unhandled rejection', 10, `Promise.reject(new Error('forgotten')); await $ctx.$soak.echo(1); return 1`, errorIs('Error')],
  ['cpu timeout', 1, `for (;;) {}`, (r) => failed(r) && r.error.limit === 'cpu'],
  ['wall timeout', 1, `await $ctx.$soak.never()`, (r) => failed(r) && r.error.limit === 'wall'],
  // Filling 64 MB is GC-bound: under load the CPU limit may trip first. Either way the isolate is replaced.
  ['memory bomb', 1, `const a = []; for (;;) a.push(new Array(1e6).fill(1.5))`, (r) => failed(r) && (r.error.limit === 'memory' || r.error.limit === 'cpu')],
];

const weights = HOOKS.reduce((sum, h) => sum + h[1], 0);
const schedule: Hook[] = [];
for (const hook of HOOKS) for (let i = 0; i < hook[1]; i++) schedule.push(hook);
/**
 * Deterministic mix: invocation i runs schedule[(i * 7919) % weights] (7919 is prime, so every slot is hit).
 * Timeouts and the memory bomb run once per ~2000 invocations each.
 */
const hookFor = (i: number): Hook => schedule[(i * 7919) % weights];

// ---- run ------------------------------------------------------------------------

const sandbox = new Sandbox(limits, [soakModule]);
const request = { params: { id: '7' }, body: { a: 1 } };
const counts = new Map(HOOKS.map((h) => [h[0], { runs: 0, unexpected: 0 }]));
const unexpectedSamples: Array<{ name: string; error: InvocationError | null; data: unknown; ms: number }> = [];

const MB = 1024 * 1024;
interface Sample {
  done: number;
  rss: number;
  heapUsed: number;
  external: number;
  isolates: number;
  isolateHeap: number;
  perSecond: number;
  maxLagMs: number;
}
const samples: Sample[] = [];
/** Longest gap between host timer ticks in the current batch: how long the host thread was unavailable. */
const lag = { max: 0, last: performance.now() };
setInterval(() => {
  const now = performance.now();
  lag.max = Math.max(lag.max, now - lag.last - 10);
  lag.last = now;
}, 10).unref();
function sample(done: number, startedAt: number): Sample {
  gc();
  gc();
  const mem = process.memoryUsage();
  const heap = sandbox.heapStatistics();
  const taken: Sample = {
    done,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
    isolates: heap.isolates,
    isolateHeap: heap.usedHeapBytes,
    perSecond: Math.round(done / ((performance.now() - startedAt) / 1000)),
    maxLagMs: Math.round(lag.max),
  };
  samples.push(taken);
  lag.max = 0;
  return taken;
}

async function main() {
  const startedAt = performance.now();
  let next = 0;
  const env = { APP_MODE: 'soak' };

  /** Runs invocations until `until`; sampling happens between batches, with every isolate idle. */
  async function worker(until: number): Promise<void> {
    while (next < until) {
      const i = next++;
      const [name, , code, check] = hookFor(i);
      const outcome = await sandbox.invoke({ filename: `hooks/soak-${name.replace(/\W+/g, '-')}.js`, code }, contextData(request, env));
      const c = counts.get(name);
      if (!c) throw new Error(`no count for hook ${name}`);
      c.runs++;
      let ok = false;
      try {
        ok = check(outcome);
      } catch {
        ok = false;
      }
      if (!ok) {
        c.unexpected++;
        if (c.unexpected <= 2) unexpectedSamples.push({ name, error: outcome.error, data: outcome.data, ms: Math.round(outcome.durationMs) });
      }
    }
  }

  console.log(`soak: ${TOTAL} invocations, ${HOOKS.length} hooks, concurrency ${CONCURRENCY}, pool of ${limits.maxIsolates} isolates`);
  console.log(`limits: cpu ${limits.cpuTimeoutMs} ms, wall ${limits.wallTimeoutMs} ms, memory ${limits.memoryLimitMb} MB\n`);
  printHeader();
  for (let until = SAMPLE_EVERY; next < TOTAL; until = Math.min(TOTAL, until + SAMPLE_EVERY)) {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(until)));
    printRow(sample(next, startedAt));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  sandbox.close();

  // ---- verdict ----
  // Two samples on each side, against noise: the first two after warm-up and the last two.
  const after = samples.filter((s) => s.done > WARM_UP);
  const head = after.slice(0, 2);
  const tail = samples.slice(-2);
  const mean = (list: readonly Sample[], key: 'rss' | 'heapUsed') => list.reduce((a, s) => a + s[key], 0) / list.length;
  const base = { done: head[0]?.done ?? 0, rss: mean(head, 'rss'), heapUsed: mean(head, 'heapUsed') };
  const rssGrowth = mean(tail, 'rss') / base.rss - 1;
  const heapGrowth = mean(tail, 'heapUsed') / base.heapUsed - 1;
  const unexpected = [...counts.values()].reduce((a, c) => a + c.unexpected, 0);

  console.log(`\n${TOTAL} invocations in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)}/s)`);
  console.log('outcomes by hook:');
  for (const [name, c] of counts) console.log(`  ${name.padEnd(20)} ${String(c.runs).padStart(6)} runs${c.unexpected ? `, ${c.unexpected} UNEXPECTED` : ''}`);
  for (const u of unexpectedSamples) console.log('  unexpected:', JSON.stringify(u).slice(0, 300));
  console.log(
    `\nwarm-up ${WARM_UP} invocations; first two samples after it vs the last two:` +
      ` RSS ${fmtMb(base.rss)} -> ${fmtMb(mean(tail, 'rss'))} (${pct(rssGrowth)}),` +
      ` host heap ${fmtMb(base.heapUsed)} -> ${fmtMb(mean(tail, 'heapUsed'))} (${pct(heapGrowth)})`,
  );
  const failures = [];
  if (rssGrowth > MAX_GROWTH) failures.push(`RSS grew ${pct(rssGrowth)} (limit ${pct(MAX_GROWTH)})`);
  if (heapGrowth > MAX_GROWTH) failures.push(`host heap grew ${pct(heapGrowth)} (limit ${pct(MAX_GROWTH)})`);
  if (unexpected > 0) failures.push(`${unexpected} unexpected outcome(s)`);
  console.log(failures.length ? `VERDICT: FAIL — ${failures.join('; ')}` : `VERDICT: PASS — flat within ${pct(MAX_GROWTH)}, every outcome as expected`);
  process.exit(failures.length ? 1 : 0);
}

function printHeader() {
  console.log(['invocations', 'RSS MB', 'host heap MB', 'external MB', 'idle isolates', 'isolate heap MB', 'inv/s', 'max lag ms'].map((h) => h.padStart(16)).join(''));
}
function printRow(s: Sample): void {
  console.log(
    [s.done, fmt(s.rss), fmt(s.heapUsed), fmt(s.external), s.isolates, fmt(s.isolateHeap), s.perSecond, s.maxLagMs].map((v) => String(v).padStart(16)).join(''),
  );
}
const fmt = (bytes: number) => (bytes / MB).toFixed(1);
const fmtMb = (bytes: number) => `${fmt(bytes)} MB`;
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

main().catch((err) => {
  console.error('soak: crashed:', err);
  process.exit(1);
});
