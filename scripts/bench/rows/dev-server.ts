/**
 * Row 8: `GET /products` (the table route: default find() handler and the
 * seeded Default response post-hook) through `enfyra-run dev` over HTTP at 32
 * concurrent connections (autocannon), against the same request through the
 * same pipeline in-process at 32 concurrent callers. Rounds alternate between
 * the two. 8a: requests/s (higher is better); 8b: latency in ms (p50, p99).
 *
 * The soak at this load is scripts/dev-soak.ts (`npm run soak:dev`).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pipeline } from '../../../runtime/server/pipeline.ts';
import { BIN, fromDist, ROOT, scratchDir } from '../lib/project.ts';
import type { RowOptions, RowResult } from '../lib/report.ts';

export const CONNECTIONS = 32;
const REQUEST = '/products?limit=10';

/** A scratch copy of the project whose /products route is public for GET. */
export function devProject(): string {
  const dir = scratchDir('dev');
  for (const entry of ['hooks', 'fixtures']) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  mkdirSync(path.join(dir, 'routes'));
  writeFileSync(path.join(dir, 'routes', 'products.json'), JSON.stringify({ path: '/products', publicMethods: ['GET'] }));
  writeFileSync(path.join(dir, 'enfyra.config.json'), JSON.stringify({ cache: { driver: 'memory' } }));
  return dir;
}

export interface DevServer {
  url: string;
  pid: number;
  /** SIGTERM; resolves when it has exited. */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts the built `enfyra-run dev --port 0` in `dir`; resolves { url, stop() }. */
export function startDevServer(dir: string): Promise<DevServer> {
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, 'dev', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: '', DATABASE_URL: '' } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`enfyra-run dev exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = / on (http:\/\/\S+) /.exec(out);
      if (!m || child.pid === undefined) return;
      resolve({
        url: m[1],
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.on('exit', (code: number | null) => done({ code, stdout: out, stderr: err }));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export function loadHttp(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds });
}

/** 32 callers sending the request through the pipeline in-process for `seconds`: requests/s and latency percentiles. */
async function loadInProcess(pipeline: Pipeline, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const caller = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await pipeline.handle({ method: 'GET', url: REQUEST, headers: { host: 'localhost' }, rawBody: null, ip: '127.0.0.1' });
      latencies.push(performance.now() - t0);
      if (r.status !== 200) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors, n: latencies.length };
}

export async function devServerRows({ quick }: RowOptions): Promise<RowResult[]> {
  const dir = devProject();
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 2 : 5;
  const { ServedProject } = await fromDist('server/served-project.js');
  const { loadConfig } = await fromDist('config/load.js');
  const project = await ServedProject.open({ config: loadConfig({ cwd: dir, env: {} }), env: {} });
  const server = await startDevServer(dir);
  const http: Array<{ rps: number; p50: number; p99: number }> = [];
  const local: Array<{ rps: number; p50: number; p99: number }> = [];
  try {
    // Warm both (isolate pool, SQLite pages, JIT).
    await loadHttp(`${server.url}${REQUEST}`, 1);
    await loadInProcess(project.pipeline, 1);
    for (let i = 0; i < rounds; i++) {
      const h = await loadHttp(`${server.url}${REQUEST}`, seconds);
      if (h.errors || h.non2xx) throw new Error(`dev server answered ${h.non2xx} non-2xx and ${h.errors} errors`);
      http.push({ rps: h.requests.average, p50: h.latency.p50, p99: h.latency.p99 });
      const l = await loadInProcess(project.pipeline, seconds);
      if (l.errors) throw new Error(`${l.errors} in-process requests failed`);
      local.push(l);
    }
  } finally {
    await server.stop();
    await project.close();
  }
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const roundRatios = http.map((h, i) => h.rps / local[i].rps);
  const rps = { ours: { median: median(http.map((h) => h.rps)), p99: Math.min(...http.map((h) => h.rps)), n: rounds }, baseline: { median: median(local.map((l) => l.rps)), p99: Math.min(...local.map((l) => l.rps)), n: rounds } };
  const latency = { ours: { median: median(http.map((h) => h.p50)), p99: median(http.map((h) => h.p99)), n: rounds }, baseline: { median: median(local.map((l) => l.p50)), p99: median(local.map((l) => l.p99)), n: rounds } };
  return [
    {
      id: 'dev-server',
      label: `GET /products via enfyra-run dev (HTTP, ${CONNECTIONS} conns) vs in-process pipeline`,
      unit: 'requests/s',
      ...rps,
      ratio: rps.ours.median / rps.baseline.median,
      roundRatios,
      note: `rate rows: "p99" column = the slowest round; ${rounds} alternating rounds of ${seconds} s; autocannon for HTTP`,
    },
    {
      id: 'dev-server-latency',
      label: `GET /products latency via enfyra-run dev vs in-process (${CONNECTIONS} at once)`,
      unit: 'ms (p50, p99)',
      ...latency,
      ratio: latency.ours.median / latency.baseline.median,
      roundRatios: http.map((h, i) => h.p50 / local[i].p50),
    },
  ];
}
