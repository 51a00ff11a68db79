/**
 * `--inspect[=port]`, `--inspect-brk[=port]` and `--coverage[=dir]` (docs/debugging.md):
 * set up before the run (the coverage folder is checked, the debugger port
 * opened, so a mistake ends the command before any hook runs) and finished
 * after it (the coverage report written, the port closed).
 */
import type { ResolvedConfig } from '../config/load.ts';
import { CoverageCollector, mergeCoverage, type CoverageData } from '../debug/coverage.ts';
import { DEFAULT_COVERAGE_DIR, formatCoverageSummary, prepareCoverageDir, writeLcov } from '../debug/coverage-report.ts';
import { DEFAULT_INSPECT_PORT, INSPECT_TIMEOUT_MS, InspectSession } from '../debug/inspect.ts';
import { installIsolateInspector } from '../sandbox/inspector-hook.ts';
import { displayPath } from '../shared/display-path.ts';
import { UsageError } from '../shared/usage-error.ts';

export interface DebugFlags {
  inspect?: number | true;
  inspectBrk?: number | true;
  coverage?: string | true;
}

export interface Debugging {
  /** The config to run with (limits raised while a debugger may pause the hook). */
  readonly config: ResolvedConfig;
  /** Coverage from other processes (replay's workers), merged into the report. */
  addCoverage(data: CoverageData): void;
  /** Writes the coverage report (summary to `out`), closes the debugger port. */
  finish(out: { write(text: string): unknown }): Promise<void>;
}

export async function startDebugging(flags: DebugFlags, config: ResolvedConfig, options: { cwd: string; title: string }): Promise<Debugging | null> {
  const inspecting = flags.inspect !== undefined || flags.inspectBrk !== undefined;
  if (flags.inspect !== undefined && flags.inspectBrk !== undefined) throw new UsageError('use either --inspect or --inspect-brk, not both');
  if (inspecting && flags.coverage !== undefined) throw new UsageError('--coverage cannot be combined with --inspect (a paused hook would count as run)');
  if (flags.coverage !== undefined) return startCoverage(flags.coverage === true ? DEFAULT_COVERAGE_DIR : flags.coverage, config, options.cwd);
  if (!inspecting) return null;
  const brk = flags.inspectBrk !== undefined;
  const port = (brk ? flags.inspectBrk : flags.inspect) as number | true;
  const inspect = await InspectSession.start({
    port: port === true ? DEFAULT_INSPECT_PORT : port,
    brk,
    cwd: options.cwd,
    title: options.title,
    flag: brk ? '--inspect-brk' : '--inspect',
  });
  installIsolateInspector(inspect);
  process.stderr.write(inspect.banner());
  return {
    config: { ...config, sandbox: { ...config.sandbox, cpuTimeoutMs: INSPECT_TIMEOUT_MS, wallTimeoutMs: INSPECT_TIMEOUT_MS } },
    addCoverage: () => {},
    async finish() {
      installIsolateInspector(null);
      await inspect.close();
    },
  };
}

function startCoverage(dir: string, config: ResolvedConfig, cwd: string): Debugging {
  const absolute = prepareCoverageDir(dir);
  const collector = new CoverageCollector(cwd);
  installIsolateInspector(collector);
  const more: CoverageData = {};
  return {
    config,
    addCoverage: (data) => void mergeCoverage(more, data),
    async finish(out) {
      const data = mergeCoverage(await collector.finish(), more);
      installIsolateInspector(null);
      const file = writeLcov(absolute, data);
      out.write(formatCoverageSummary(data, cwd) + `coverage report: ${displayPath(cwd, file)}\n`);
    },
  };
}
