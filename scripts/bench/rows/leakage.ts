/**
 * Row 10 (issue 17 row e): leakage. 1,000 invocations that look for an earlier invocation's changes
 * to built-ins, globals or prototypes, each run right after one that tries to make such changes, on
 * the same runtime (and so the same pooled, reused contexts). The figure is how many of the 1,000
 * saw anything; it must be 0.
 */
import type { InProcessRowOptions, RowResult } from '../lib/report.ts';

const TAMPER = `
  const tries = [
    () => { Math.max = () => -1 },
    () => { Array.prototype.includes = () => false },
    () => { Object.prototype.polluted = true },
    () => { globalThis.leaked = 1 },
    () => { JSON.stringify = () => 'x' },
    () => { Error.prepareStackTrace = () => 'mine' },
    () => { Object.defineProperty(Object.prototype, 'viaAccessor', { get() { return 1 }, configurable: true }) },
    () => { String.prototype.trim = () => 'x' },
    () => { Promise.prototype.then = () => {} },
  ];
  let refused = 0;
  for (const t of tries) { try { t() } catch { refused++ } }
  return refused;`;

const OBSERVE = `
  const seen = [];
  if (Math.max(1, 2) !== 2) seen.push('Math.max');
  if ([1].includes(1) !== true) seen.push('includes');
  if (({}).polluted !== undefined || ({}).viaAccessor !== undefined) seen.push('Object.prototype');
  if (typeof globalThis.leaked !== 'undefined') seen.push('global');
  if (JSON.stringify({ a: 1 }) !== '{"a":1}') seen.push('JSON');
  if (!String(new Error('x').stack).startsWith('Error: x')) seen.push('stack');
  if (' a '.trim() !== 'a') seen.push('trim');
  if (typeof Promise.prototype.then !== 'function' || (await Promise.resolve(2)) !== 2) seen.push('Promise');
  return seen;`;

export async function leakageRow({ runtime, quick }: InProcessRowOptions): Promise<RowResult> {
  const n = quick ? 200 : 1000;
  let leaked = 0;
  let refusedAll = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = await runtime.run({ source: TAMPER, filename: 'bench-tamper.js' });
    if (t.data === 9) refusedAll++;
    const o = await runtime.run({ source: OBSERVE, filename: 'bench-observe.js' });
    if (o.error || !Array.isArray(o.data) || o.data.length > 0) leaked++;
  }
  const ms = performance.now() - t0;
  return {
    id: 'leakage',
    label: `invocations seeing an earlier one's tampering, out of ${n}`,
    unit: 'count',
    target: { op: '<=', value: 0 },
    note: `${n} tampering invocations (9 changes each: refused in all 9 in ${refusedAll} of them) interleaved with ${n} observers on pool maxIsolates ${runtime.config.sandbox.maxIsolates}; ${(ms / 1000).toFixed(1)} s`,
    ours: { median: leaked, p99: NaN, n },
    baseline: { median: 0, p99: NaN, n },
    ratio: leaked,
    roundRatios: [],
  };
}
