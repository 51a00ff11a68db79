/**
 * `--coverage`: V8's precise block coverage of every hook that runs, through
 * an inspector session per isolate (Profiler.startPreciseCoverage before any
 * hook is compiled in it, Profiler.takePreciseCoverage before it is disposed,
 * counts summed). The result is plain data, so worker processes send theirs to
 * the parent to be merged (see mergeCoverage).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type ivm from 'isolated-vm';
import type { HookSource } from '../compile/hook-source.ts';
import type { IsolateInspector } from '../sandbox/inspector-hook.ts';
import { hookLineCounts, type FunctionCoverage } from './coverage-lines.ts';
import { ProtocolSession } from './protocol-session.ts';

/** Absolute hook file path → source line (1-based, as text) → times it ran. */
export type CoverageData = Record<string, Record<string, number>>;

interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

/** How long reading an isolate's coverage may take before it is given up (the isolate is stuck). */
const TAKE_TIMEOUT_MS = 5000;

interface Watched {
  session: ProtocolSession;
  /** Settles once precise coverage runs in the isolate (false: it could not be started). */
  started: Promise<boolean>;
}

export class CoverageCollector implements IsolateInspector {
  private readonly cwd: string;
  private readonly watched = new Map<ivm.Isolate, Watched>();
  /** The hooks run, by the name their script is compiled under. */
  private readonly hooks = new Map<string, HookSource>();
  private readonly taking = new Set<Promise<void>>();
  private readonly retiring = new WeakSet<ivm.Isolate>();
  private readonly data: CoverageData = {};

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  attach(isolate: ivm.Isolate): void {
    const session = new ProtocolSession(isolate);
    const started = session
      .send('Profiler.enable')
      .then(() => session.send('Profiler.startPreciseCoverage', { callCount: true, detailed: true }))
      .then(
        () => true,
        () => false,
      );
    this.watched.set(isolate, { session, started });
  }

  async beforeRun(isolate: ivm.Isolate, hook: HookSource): Promise<void> {
    this.hooks.set(hook.filename, hook);
    await this.watched.get(isolate)?.started;
  }

  script(hook: HookSource, wrapped: string): { filename: string; source: string } {
    return { filename: hook.filename, source: wrapped };
  }

  retire(isolate: ivm.Isolate): void {
    // Retired once: the sandbox may hand the same isolate over again (stopped, then released by the pool).
    if (!this.watched.has(isolate)) {
      if (!isolate.isDisposed && !this.retiring.has(isolate)) isolate.dispose();
      return;
    }
    this.retiring.add(isolate);
    const taking = this.take(isolate).finally(() => {
      if (!isolate.isDisposed) isolate.dispose();
    });
    this.taking.add(taking);
    void taking.finally(() => this.taking.delete(taking));
  }

  /** Reads the isolates still alive and waits for those being retired: the coverage of everything run so far. */
  async finish(): Promise<CoverageData> {
    await Promise.all([...this.watched.keys()].map((isolate) => this.take(isolate)));
    await Promise.all([...this.taking]);
    return this.data;
  }

  private async take(isolate: ivm.Isolate): Promise<void> {
    const watched = this.watched.get(isolate);
    if (!watched) return;
    this.watched.delete(isolate);
    try {
      if (isolate.isDisposed || !(await watched.started)) return;
      const taken = await withTimeout(watched.session.send<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage'), TAKE_TIMEOUT_MS);
      for (const script of taken?.result ?? []) this.add(script);
    } catch {
      // The isolate went away first (disposed at a limit): its counts are lost.
    } finally {
      watched.session.dispose();
    }
  }

  private add(script: ScriptCoverage): void {
    const hook = this.hooks.get(script.url);
    if (!hook) return; // our bootstrap, or code that is no hook
    const file = path.resolve(this.cwd, hook.filename);
    // Inline scripts (a flow step's code, a hook from stdin) have no file to report lines of.
    if (!isFile(file)) return;
    const lines = (this.data[file] ??= {});
    for (const [line, count] of hookLineCounts(hook, script.functions)) lines[line] = (lines[line] ?? 0) + count;
  }
}

/** Adds `more` into `into` (counts per line summed): coverage from several processes. */
export function mergeCoverage(into: CoverageData, more: CoverageData): CoverageData {
  for (const [file, lines] of Object.entries(more)) {
    const target = (into[file] ??= {});
    for (const [line, count] of Object.entries(lines)) target[line] = (target[line] ?? 0) + count;
  }
  return into;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
