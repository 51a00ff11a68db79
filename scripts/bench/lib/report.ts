/** Turning measured samples into table rows, the table itself, and target checks. */
import type { Runtime } from '../../../runtime/index.ts';
import type { Side } from './stats.ts';

/** What run.ts gives every row module. */
export interface RowOptions {
  /** Fewer rounds: a smoke test, not for figures. */
  quick: boolean;
}

/** What run.ts gives a row that measures in this process: the one runtime they share. */
export interface InProcessRowOptions extends RowOptions {
  runtime: Runtime;
}

/** Ours against the baseline: per side over all samples, and the ratio of ours to the baseline. */
export interface Comparison {
  ours: Side;
  baseline: Side;
  ratio: number;
  /** The ratio in each round (or run) on its own. */
  roundRatios: number[];
}

export interface Target {
  op: '<=' | '>=';
  value: number;
  /** How the table shows the value, when not as the number. */
  text?: string;
}

/** What a row module measures; `extra` is its own detail for the JSON report. */
export interface RowResult<Extra = unknown> extends Comparison {
  id: string;
  label: string;
  unit: string;
  /** null or absent: an informational row. */
  target?: Target | null;
  note?: string;
  extra?: Extra;
}

/** A row as the table shows it: numbered (`3`, or `3a`, `3b` when a module measures several). */
export interface Row extends RowResult {
  n: string;
}

/** Per-op times in ms -> the row's unit (e.g. scale 1000 for µs). */
export function asLatency<R extends Comparison>(result: R, scale: number): R {
  const conv = (s: Side): Side => ({ median: s.median * scale, p99: s.p99 * scale, n: s.n });
  return { ...result, ours: conv(result.ours), baseline: conv(result.baseline) };
}

/**
 * Per-op times in ms -> operations per second. "p99" becomes the rate at the
 * p99 sample time (the slowest 1% of samples). The ratio flips to ours/baseline
 * of throughput (higher is better).
 */
export function asRate<R extends Comparison>(result: R): R {
  const conv = (s: Side): Side => ({ median: 1000 / s.median, p99: 1000 / s.p99, n: s.n });
  return {
    ...result,
    ours: conv(result.ours),
    baseline: conv(result.baseline),
    ratio: 1 / result.ratio,
    roundRatios: result.roundRatios.map((r) => 1 / r),
  };
}

export function targetMet(row: RowResult): boolean | null {
  if (!row.target) return null;
  return row.target.op === '<=' ? row.ratio <= row.target.value : row.ratio >= row.target.value;
}

function num(v: number | null | undefined): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['#', 'measured', 'unit', 'ours med', 'ours p99', 'base med', 'base p99', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.n,
    r.label,
    r.unit,
    num(r.ours.median),
    num(r.ours.p99),
    num(r.baseline.median),
    num(r.baseline.p99),
    r.ratio.toFixed(2) + '×',
    r.target ? `${r.target.op === '<=' ? '≤' : '≥'} ${r.target.text ?? r.target.value}×` : '(info)',
    r.target ? (targetMet(r) ? 'yes' : 'NO') : '',
  ]);
  const all = [header, ...lines].map((cols) => cols.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((cols) => [...cols[i]].length)));
  const pad = (s: string, w: number, right: boolean) => (right ? ' '.repeat(w - [...s].length) + s : s + ' '.repeat(w - [...s].length));
  const numeric = new Set([3, 4, 5, 6, 7]);
  const fmt = (cols: string[]) => cols.map((c, i) => pad(c, widths[i], numeric.has(i))).join('  ');
  return [fmt(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

/** The same table as GitHub Markdown. */
export function formatMarkdown(rows: readonly Row[]): string {
  const out = ['| # | measured | unit | ours median | ours p99 | baseline median | baseline p99 | ratio | target | met |', '|---|---|---|--:|--:|--:|--:|--:|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${r.n} | ${r.label} | ${r.unit} | ${num(r.ours.median)} | ${num(r.ours.p99)} | ${num(r.baseline.median)} | ${num(r.baseline.p99)} | ${r.ratio.toFixed(2)}× | ${
        r.target ? `${r.target.op === '<=' ? '≤' : '≥'} ${r.target.text ?? r.target.value}×` : 'info'
      } | ${r.target ? (targetMet(r) ? 'yes' : '**no**') : ''} |`,
    );
  }
  return out.join('\n');
}
