/** Turning measured samples into table rows, the table itself, and target checks. */

/** Per-op times in ms -> the row's unit (e.g. scale 1000 for µs). */
export function asLatency(result, scale) {
  const conv = (s) => ({ median: s.median * scale, p99: s.p99 * scale, n: s.n });
  return { ...result, ours: conv(result.ours), baseline: conv(result.baseline) };
}

/**
 * Per-op times in ms -> operations per second. "p99" becomes the rate at the
 * p99 sample time (the slowest 1% of samples). The ratio flips to ours/baseline
 * of throughput (higher is better).
 */
export function asRate(result) {
  const conv = (s) => ({ median: 1000 / s.median, p99: 1000 / s.p99, n: s.n });
  return {
    ...result,
    ours: conv(result.ours),
    baseline: conv(result.baseline),
    ratio: 1 / result.ratio,
    roundRatios: result.roundRatios.map((r) => 1 / r),
  };
}

export function targetMet(row) {
  if (!row.target) return null;
  return row.target.op === '<=' ? row.ratio <= row.target.value : row.ratio >= row.target.value;
}

function num(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function formatTable(rows) {
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
  const pad = (s, w, right) => (right ? ' '.repeat(w - [...s].length) + s : s + ' '.repeat(w - [...s].length));
  const numeric = new Set([3, 4, 5, 6, 7]);
  const fmt = (cols) => cols.map((c, i) => pad(c, widths[i], numeric.has(i))).join('  ');
  return [fmt(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

/** The same table as GitHub Markdown. */
export function formatMarkdown(rows) {
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
