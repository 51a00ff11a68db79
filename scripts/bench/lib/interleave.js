/**
 * Ours-vs-baseline comparison in interleaved rounds, measured with tinybench.
 *
 * Each round is one tinybench Bench holding both tasks; the order flips every
 * round, so slow drift of the machine (CPU frequency, Redis, the other core)
 * lands on both sides. Warm-up runs once, before the first round. The headline
 * ratio is the median of the per-round ratios of medians; the reported
 * median/p99 are over all samples of all rounds.
 */
import { Bench } from 'tinybench';
import { median, summarize } from './stats.js';

/**
 * @param {object} o
 * @param {() => Promise<unknown>} o.ours    one sample (async)
 * @param {() => Promise<unknown>} o.baseline one sample (async)
 * @param {number} [o.rounds]
 * @param {number} [o.time]        ms per task per round
 * @param {number} [o.iterations]  minimum samples per task per round
 * @param {number} [o.warmupTime]
 * @param {number} [o.opsPerSample] operations in one sample (per-op time = sample / opsPerSample)
 */
export async function interleaved(o) {
  const rounds = o.rounds ?? 6;
  const perOp = o.opsPerSample ?? 1;
  const samples = { ours: [], baseline: [] };
  const roundRatios = [];
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({
      time: o.time ?? 500,
      iterations: o.iterations ?? 10,
      warmup: r === 0,
      warmupTime: o.warmupTime ?? 500,
      warmupIterations: o.warmupIterations ?? 5,
      throws: true,
    });
    const order = r % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
    for (const name of order) bench.add(name, name === 'ours' ? o.ours : o.baseline);
    await bench.run();
    const med = {};
    for (const task of bench.tasks) {
      const perOpMs = task.result.latency.samples.map((ms) => ms / perOp);
      samples[task.name].push(...perOpMs);
      med[task.name] = median(perOpMs);
    }
    roundRatios.push(med.ours / med.baseline);
  }
  return {
    ours: summarize(samples.ours),
    baseline: summarize(samples.baseline),
    ratio: median(roundRatios),
    roundRatios,
  };
}

/** The "ours" side of rows 1-2: one invocation of a hook that loops `n` times and returns `n`. */
export function hookLoop(runtime, hook, n) {
  return async () => {
    const env = await runtime.run(hook, { params: { n } });
    if (env.data !== n) throw new Error(`${hook} failed: ${JSON.stringify(env.error ?? env.data)}`);
  };
}
