/**
 * Soak for `enfyra-run dev`: GET /products at 32 concurrent connections for
 * 60 s (autocannon) against the built dev server, sampling the server's RSS.
 * Passes when no request failed and memory stayed flat: the median RSS of the
 * last quarter is within 15% (and 40 MB) of the second quarter's (the first
 * quarter is warm-up: isolate pool, JIT, SQLite pages).
 *
 *   npm run soak:dev [-- --seconds=60]
 */
import { readFileSync } from 'node:fs';
import { devProject, loadHttp, startDevServer, CONNECTIONS } from './bench/rows/dev-server.ts';
import { removeScratch } from './bench/lib/project.ts';

const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 60);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

const server = await startDevServer(devProject());
const samples: number[] = [];
const timer = setInterval(() => samples.push(rssMb(server.pid)), 1000);
let result: Awaited<ReturnType<typeof loadHttp>>;
try {
  result = await loadHttp(`${server.url}/products?limit=10`, seconds);
} finally {
  clearInterval(timer);
  await server.stop();
  removeScratch();
}
const quarter = (i: number) => samples.slice(Math.floor((samples.length * i) / 4), Math.floor((samples.length * (i + 1)) / 4)).sort((a, b) => a - b);
const median = (xs: readonly number[]) => xs[Math.floor(xs.length / 2)] ?? NaN;
const early = median(quarter(1));
const late = median(quarter(3));
const growth = late - early;
const flat = growth <= Math.max(early * 0.15, 40);
const failures = result.errors + result.non2xx + result.timeouts;
process.stdout.write(
  `dev soak: ${seconds} s at ${CONNECTIONS} connections: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
    `p99 ${result.latency.p99} ms; failures ${failures} (errors ${result.errors}, non-2xx ${result.non2xx}, timeouts ${result.timeouts}); ` +
    `RSS ${early.toFixed(0)} MB -> ${late.toFixed(0)} MB (peak ${Math.max(...samples).toFixed(0)} MB)\n`,
);
const ok = failures === 0 && flat;
process.stdout.write(`dev soak: ${ok ? 'PASS' : `FAIL${failures ? ' (requests failed)' : ''}${flat ? '' : ' (memory grew)'}`}\n`);
process.exitCode = ok ? 0 : 1;
