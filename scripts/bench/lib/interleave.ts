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
import type { Runtime } from '../../../runtime/index.ts';
import type { Comparison } from './report.ts';
import { median, summarize, type Summary } from './stats.ts';

export interface InterleavedOptions {
  /** One sample (async). */
  ours: () => Promise<unknown>;
  /** One sample (async). */
  baseline: () => Promise<unknown>;
  rounds?: number;
  /** ms per task per round */
  time?: number;
  /** minimum samples per task per round */
  iterations?: number;
  warmupTime?: number;
  warmupIterations?: number;
  /** operations in one sample (per-op time = sample / opsPerSample) */
  opsPerSample?: number;
}

export interface Interleaved extends Comparison {
  ours: Summary;
  baseline: Summary;
}

type TaskName = 'ours' | 'baseline';
const isTaskName = (name: string): name is TaskName => name === 'ours' || name === 'baseline';

export async function interleaved(o: InterleavedOptions): Promise<Interleaved> {
  const rounds = o.rounds ?? 6;
  const perOp = o.opsPerSample ?? 1;
  const samples: Record<TaskName, number[]> = { ours: [], baseline: [] };
  const roundRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({
      time: o.time ?? 500,
      iterations: o.iterations ?? 10,
      warmup: r === 0,
      warmupTime: o.warmupTime ?? 500,
      warmupIterations: o.warmupIterations ?? 5,
      throws: true,
    });
    const order: TaskName[] = r % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
    for (const name of order) bench.add(name, o[name]);
    await bench.run();
    const med: Record<TaskName, number> = { ours: NaN, baseline: NaN };
    for (const task of bench.tasks) {
      if (!isTaskName(task.name)) continue;
      if (!task.result) throw new Error(`tinybench gave no result for ${task.name} in round ${r}`);
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

/** Rows 1-2's rounds: each sample is one hook invocation looping `n` calls, against a host loop of the same `n`. */
export function perCallRounds(quick: boolean, n: number): { rounds: number; time: number; iterations: number; opsPerSample: number } {
  return { rounds: quick ? 2 : 8, time: quick ? 200 : 500, iterations: 5, opsPerSample: n };
}

/** The "ours" side of rows 1-2: one invocation of a hook that loops `n` times and returns `n`. */
export function hookLoop(runtime: Runtime, hook: string, n: number): () => Promise<void> {
  return async () => {
    const env = await runtime.run(hook, { params: { n } });
    if (env.data !== n) throw new Error(`${hook} failed: ${JSON.stringify(env.error ?? env.data)}`);
  };
}
