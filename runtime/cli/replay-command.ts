/**
 * `enfyra-run replay [paths...]`: replays fixture files (format: docs/replay.md)
 * and reports. Exit codes: 0 all passed, 1 a fixture failed, 2 a fixture file
 * is invalid (or a usage/config error), 130 interrupted. The text report
 * always ends with the line `N passed, N failed`.
 */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/load.ts';
import { Progress } from '../replay/reporters/progress.ts';
import { formatFixture, formatSummary } from '../replay/reporters/text.ts';
import { formatJsonReport } from '../replay/reporters/json.ts';
import { formatJunitReport } from '../replay/reporters/junit.ts';
import { DEFAULT_JOBS, runReplay, type RunOutcome } from '../replay/runner.ts';
import { colorsFor } from './output.ts';
import { watchForInterrupt } from './interrupt.ts';
import { UsageError } from './usage-error.ts';
import type { CoverageData } from '../debug/coverage.ts';

export interface ReplayFlags {
  config?: string;
  reporter?: 'text' | 'json' | 'junit';
  out?: string;
  update?: boolean;
  real?: boolean;
  jobs?: number;
  filter?: string;
  strict?: boolean;
  coverage?: string | true;
}

/** Fixture files per process below which another process costs more than it saves. */
const FILES_PER_PROCESS = 16;

export async function replayCommand(paths: string[], flags: ReplayFlags): Promise<number> {
  const config = loadConfig({ configPath: flags.config });
  // Checked before the run, never after it: a report that cannot be written is a usage error up front.
  if (flags.out !== undefined) prepareReportFile(flags.out);
  if (flags.coverage === undefined) return replayOnce(paths, flags, config);
  const { startDebugging } = await import('./debug-flags.ts');
  const debugging = (await startDebugging({ coverage: flags.coverage }, config, { cwd: process.cwd(), title: 'replay' }))!;
  let code = 2;
  try {
    code = await replayOnce(paths, flags, config, (data) => debugging.addCoverage(data));
  } finally {
    // Its own report goes where the text report goes; stderr when stdout carries a json/junit report.
    const textOut = (flags.reporter ?? 'text') === 'text' || flags.out !== undefined;
    await debugging.finish(textOut ? process.stdout : process.stderr);
  }
  return code;
}

/** One replay run with Ctrl-C handled (the watch loop calls it again on every change). */
export async function replayOnce(paths: string[], flags: ReplayFlags, config: ResolvedConfig, onCoverage?: (data: CoverageData) => void): Promise<number> {
  const reporter = flags.reporter ?? 'text';
  const jobs = flags.jobs ?? DEFAULT_JOBS;
  // Text goes to stdout unless a json/junit report does.
  const textOut = reporter === 'text' || flags.out !== undefined;
  const c = colorsFor(process.stdout);
  const progress = new Progress(process.stderr);
  const write = (text: string) => {
    progress.clear();
    if (textOut) process.stdout.write(text);
    progress.render();
  };

  const abort = new AbortController();
  let finished: Promise<unknown> = Promise.resolve();
  const interrupt = watchForInterrupt({
    what: 'stopping the running fixtures, giving back their locks, closing connections',
    stop: async () => {
      progress.clear();
      abort.abort();
      await finished.catch(() => {});
    },
  });
  let outcome: RunOutcome;
  try {
    const run = runReplay({
      config,
      cwd: process.cwd(),
      paths,
      filter: flags.filter,
      real: flags.real,
      update: flags.update,
      strict: flags.strict,
      signal: abort.signal,
      jobs,
      onCoverage,
      onPlan: (total) => progress.start(total),
      onWarning(message) {
        progress.clear();
        process.stderr.write(`enfyra-run: ${message}\n`);
      },
      onResult(result) {
        if (abort.signal.aborted) return;
        progress.tick();
        write(formatFixture(result, c));
      },
      workerCount: (files) => workerCount(files, jobs),
    });
    finished = run;
    outcome = await run;
  } finally {
    progress.clear();
    await interrupt.stopped;
    interrupt.dispose();
  }
  if (interrupt.code !== null) return interrupt.code;

  if (outcome.results.length === 0) {
    process.stderr.write(`enfyra-run: no fixture files found${flags.filter ? ` matching "${flags.filter}"` : ''}\n`);
  }
  if (textOut) process.stdout.write(formatSummary(outcome.summary, outcome.results.length));
  const report = reportText(reporter, outcome);
  if (flags.out !== undefined) writeReport(flags.out, report ?? textReport(outcome));
  else if (report !== null) process.stdout.write(report);
  return exitCode(outcome);
}

function reportText(reporter: string, outcome: RunOutcome): string | null {
  if (reporter === 'json') return formatJsonReport(outcome.results, outcome.summary);
  if (reporter === 'junit') return formatJunitReport(outcome.results, outcome.summary);
  return null;
}

function textReport(outcome: RunOutcome): string {
  return outcome.results.map((r) => formatFixture(r)).join('') + formatSummary(outcome.summary, outcome.results.length);
}

/** The report's folder is created now (`--out reports/x.xml` with no reports/ yet), and checked writable. */
export function prepareReportFile(file: string): void {
  const absolute = path.resolve(file);
  const fail = (why: string): never => {
    throw new UsageError(`--out ${file}: ${why}`);
  };
  try {
    mkdirSync(path.dirname(absolute), { recursive: true });
  } catch (err) {
    fail(`cannot create its folder ${path.dirname(absolute)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let existing;
  try {
    existing = statSync(absolute);
  } catch {
    existing = null;
  }
  if (existing?.isDirectory()) fail('is a folder; give a file name, like reports/replay.xml');
  try {
    accessSync(existing ? absolute : path.dirname(absolute), constants.W_OK);
  } catch (err) {
    fail(`cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function writeReport(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`cannot write the report to ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function exitCode(outcome: RunOutcome): number {
  if (outcome.summary.invalid > 0 || outcome.results.length === 0) return 2;
  return outcome.summary.failed > 0 ? 1 : 0;
}

/**
 * Worker processes besides this one: ENFYRA_REPLAY_WORKERS when set, else one
 * process per CORES_PER_PROCESS cores (a replay process keeps ~1.4 cores busy:
 * its own thread plus isolated-vm's pool threads; measured by npm run bench),
 * up to --jobs processes in all, and only when each process would get enough
 * files to pay for its start-up. On 2 cores that is no worker.
 */
const CORES_PER_PROCESS = 1.5;

export function workerCount(files: number, jobs: number, env: NodeJS.ProcessEnv = process.env): number {
  const forced = env.ENFYRA_REPLAY_WORKERS;
  if (forced !== undefined && forced !== '') {
    const n = Number(forced);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`ENFYRA_REPLAY_WORKERS must be a whole number >= 0 (got "${forced}")`);
    return n;
  }
  const processes = Math.floor(availableParallelism() / CORES_PER_PROCESS);
  return Math.max(0, Math.min(jobs, processes, Math.floor(files / FILES_PER_PROCESS)) - 1);
}
