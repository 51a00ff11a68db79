/** Small statistics helpers (sorted-copy quantiles with linear interpolation, as tinybench does). */

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = sorted[lo + 1];
  return hi === undefined ? sorted[lo] : sorted[lo] + (pos - lo) * (hi - sorted[lo]);
}

export const median = (values) => quantile(values, 0.5);

/** median / p99 / min / max / n of a sample set. */
export function summarize(values) {
  return { median: median(values), p99: quantile(values, 0.99), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
