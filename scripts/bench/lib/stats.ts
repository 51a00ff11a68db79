/** Small statistics helpers (sorted-copy quantiles with linear interpolation, as tinybench does). */

/** What a row reports for one side: the median and p99 in the row's unit, over `n` samples. */
export interface Side {
  median: number;
  p99: number;
  n: number;
}

export interface Summary extends Side {
  min: number;
  max: number;
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = sorted[lo + 1];
  return hi === undefined ? sorted[lo] : sorted[lo] + (pos - lo) * (hi - sorted[lo]);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** median / p99 / min / max / n of a sample set. */
export function summarize(values: readonly number[]): Summary {
  return { median: median(values), p99: quantile(values, 0.99), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
