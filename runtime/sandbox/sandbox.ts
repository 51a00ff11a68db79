/**
 * The sandbox: an isolate pool plus the host modules reachable from `$ctx`.
 * It knows nothing about HTTP, files or config files; the runtime feeds it.
 */
import type { HostMethod, HostModule } from './host-module.ts';
import { IsolatePool } from './isolate-pool.ts';
import { bootstrapSource, buildManifest } from './bootstrap-source.ts';
import type { IsolatePackage } from './protocol.ts';
import { INTERRUPTED_ERROR, runInvocation, type ContextData, type HookSource, type Interruptible, type InvocationOutcome, type InvokeOptions } from './invocation.ts';
import type { SandboxConfig } from '../config/schema.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';
import { InFlight } from '../shared/in-flight.ts';

export class Sandbox {
  private readonly pool: IsolatePool;
  private readonly methods = new Map<string, HostMethod>();
  private readonly endHooks: Array<NonNullable<HostModule['onInvocationEnd']>> = [];
  private readonly running = new InFlight<Interruptible>();
  private interrupting = false;

  private readonly limits: SandboxConfig;

  constructor(
    limits: SandboxConfig,
    modules: readonly HostModule[],
    /** Installed packages for `$ctx.$pkgs` and `require` (members/pkgs: bundled for the isolate). */
    packages: readonly IsolatePackage[] = [],
  ) {
    this.limits = limits;
    const paths = new Set<string>();
    for (const module of modules) {
      if (paths.has(module.path)) throw new Error(`two host modules claim $ctx path ${module.path}`);
      paths.add(module.path);
      for (const [name, method] of Object.entries(module.methods)) this.methods.set(`${module.path}.${name}`, method);
      if (module.fallback) this.methods.set(`${module.path}.*`, module.fallback);
      if (module.onInvocationEnd) this.endHooks.push(module.onInvocationEnd.bind(module));
    }
    this.pool = new IsolatePool({
      maxIsolates: limits.maxIsolates,
      memoryLimitMb: limits.memoryLimitMb,
      bootstrapSource: bootstrapSource(buildManifest(modules), limits, packages),
      invocationsPerIsolate: limits.invocationsPerIsolate,
    });
  }

  /** `kind` (default handler) decides which `$ctx` members the host side serves (scope.kind). */
  invoke(hook: HookSource, data: ContextData, mainTable?: string, kind?: ScriptKind, options?: InvokeOptions): Promise<InvocationOutcome> {
    if (this.interrupting) return Promise.resolve(interruptedOutcome());
    return runInvocation(
      { pool: this.pool, limits: this.limits, methods: this.methods, endHooks: this.endHooks, running: this.running },
      hook,
      data,
      mainTable,
      kind,
      options,
    );
  }

  /**
   * Stops every running invocation (their end hooks run, told they were interrupted, so the locks they
   * hold are given back) and refuses new ones: for shutting down in the middle of a run.
   */
  async interrupt(): Promise<void> {
    this.interrupting = true;
    const running = this.running.snapshot();
    for (const invocation of running) invocation.interrupt();
    await Promise.all(running.map((invocation) => invocation.done));
  }

  get poolSize(): { live: number; idle: number } {
    return this.pool.size;
  }

  /** Read-only diagnostics: summed heap statistics of the idle isolates in the pool. */
  heapStatistics(): ReturnType<IsolatePool['idleHeapStatistics']> {
    return this.pool.idleHeapStatistics();
  }

  close(): void {
    this.pool.close();
  }
}

function interruptedOutcome(): InvocationOutcome {
  return { ok: false, data: null, returned: false, error: INTERRUPTED_ERROR, logs: [], logEntries: [], warnings: [], effects: [], changed: {}, durationMs: 0 };
}
