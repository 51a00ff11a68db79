/**
 * A whole replay run: pick the files, replay them with bounded concurrency
 * (in this process, or spread over worker processes), deliver each result in
 * file order as soon as it and those before it are done.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.ts';
import { roundMs } from '../context/envelope.ts';
import { keepAlive } from '../shared/keep-alive.ts';
import { discoverFixtureFiles } from './discover.ts';
import { displayName, loadFixture } from './load.ts';
import { Replayer } from './replayer.ts';
import { summarize, type FixtureResult, type Summary } from './result.ts';
import { drain, OrderedQueue } from './work-queue.ts';
import { runWorker, workersAvailable } from './workers.ts';
import type { CoverageData } from '../debug/coverage.ts';

export interface RunOptions {
  config: ResolvedConfig;
  cwd: string;
  /** Files or folders; none: the fixtures folder's `requests/` (or the fixtures folder itself). */
  paths?: readonly string[];
  /** Only fixtures whose path or name contains this text. */
  filter?: string;
  real?: boolean;
  update?: boolean;
  /** Warnings fail the step they happen in (default: config compat.strict). */
  strict?: boolean;
  /** Aborting stops the run: no further fixture starts, running ones are interrupted, workers are told to stop. */
  signal?: AbortSignal;
  /** Fixture files replayed at once (default 4). */
  jobs?: number;
  /** Worker processes to start besides this one, for a run of `files` fixture files (default none). */
  workerCount?: (files: number) => number;
  /** Called once the files are known. */
  onPlan?: (total: number) => void;
  /** A worker process failed (its files are replayed elsewhere or reported as failed). */
  onWarning?: (message: string) => void;
  /** Worker processes collect hook coverage and hand it over here (`--coverage`; this process's own is collected by whoever installed the collector). */
  onCoverage?: (data: CoverageData) => void;
  /** Called per fixture, in file order. */
  onResult?: (result: FixtureResult, index: number) => void;
}

export interface RunOutcome {
  results: FixtureResult[];
  summary: Summary;
  /** Names this run's cache namespaces and table prefixes under --real. */
  runId: string;
}

export const DEFAULT_JOBS = 4;

/** The whole run keeps the process alive (connections are unref'd; see shared/keep-alive.ts). */
export function runReplay(options: RunOptions): Promise<RunOutcome> {
  return keepAlive(replayAll(options));
}

async function replayAll(options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const files = selectFiles(options);
  options.onPlan?.(files.length);
  const runId = newRunId();
  const queue = new OrderedQueue<string, FixtureResult>(files, options.onResult);
  const workers = workersAvailable() ? (options.workerCount?.(files.length) ?? 0) : 0;
  const concurrency = Math.ceil((options.jobs ?? DEFAULT_JOBS) / (workers + 1));
  const crashed = (file: string, error: string) => failedResult(file, options.cwd, error);
  const strict = options.strict ?? options.config.compat.strict;
  const replayer = await Replayer.create({ ...options, strict, runId });
  const { signal } = options;
  try {
    const coverage = options.onCoverage !== undefined;
    const init = { config: options.config, cwd: options.cwd, real: Boolean(options.real), update: Boolean(options.update), strict, runId, coverage };
    const running = Array.from({ length: workers }, () =>
      runWorker({ init, queue, concurrency, crashed, signal, onCoverage: options.onCoverage, onFailure: (why) => options.onWarning?.(`a replay worker process failed: ${why}`) }),
    );
    signal?.addEventListener('abort', () => void replayer.close(), { once: true });
    await drain(queue, concurrency, (file, slot) => replayer.replayFile(file, slot), signal);
    // The queue is empty: a worker still starting up has nothing left to do.
    for (const worker of running) worker.stopIfStarting();
    await Promise.all(running.map((worker) => worker.done));
  } finally {
    await replayer.close();
  }
  const results = queue.finish((file) => crashed(file, 'not replayed: its worker process failed'));
  return { results, summary: summarize(results, roundMs(performance.now() - started)), runId };
}

function failedResult(file: string, cwd: string, error: string): FixtureResult {
  const displayPath = displayName(cwd, file);
  return { file, displayPath, name: displayPath, status: 'failed', durationMs: 0, steps: [], error };
}

export function selectFiles(options: Pick<RunOptions, 'config' | 'cwd' | 'paths' | 'filter'>): string[] {
  const { config, cwd } = options;
  const paths = options.paths?.length ? options.paths : [defaultFixturePath(config)];
  const exclude = [config.database.schema, config.database.seed].filter((file) => file !== null);
  const files = discoverFixtureFiles(paths, cwd, { exclude });
  const filter = options.filter;
  if (!filter) return files;
  return files.filter((file) => {
    const loaded = loadFixture(file, { cwd, root: config.root });
    const name = loaded.ok ? loaded.fixture.name : '';
    return (loaded.ok ? loaded.fixture.displayPath : loaded.invalid.displayPath).includes(filter) || name.includes(filter);
  });
}

/** `<fixturesDir>/requests` when it exists, else the fixtures folder. */
export function defaultFixturePath(config: ResolvedConfig): string {
  const requests = path.join(config.fixturesDir, 'requests');
  return existsSync(requests) ? requests : config.fixturesDir;
}

/** 6 hex digits: short enough for table prefixes, random enough that concurrent runs differ. */
function newRunId(): string {
  return randomBytes(3).toString('hex');
}
