/**
 * The runtime: config + sandbox + the host modules behind `$ctx`
 * ($cache, $repos, $helpers). This is the programmatic API users' own tests
 * use, and what the CLI and replay drive.
 */
import { ConfigError, loadConfig, resolveConfig, type ResolvedConfig } from './config/load.ts';
import { PackageError } from './members/pkgs/bundle.ts';
import type { EnfyraConfigInput } from './config/schema.ts';
import { Sandbox } from './sandbox/sandbox.ts';
import type { HostModule } from './sandbox/host-module.ts';
import type { ContextData, HookSource, InvocationOutcome } from './sandbox/invocation.ts';
import { HookLoader } from './compile/hook-loader.ts';
import { ScriptCompileError } from './compile/compile-error.ts';
import type { ScriptKind } from './shared/ctx-members.ts';
import { contextData, type HookRequest } from './context/request.ts';
import { sanitizeEnv } from './context/env.ts';
import { runChain, type ChainResult } from './context/chain.ts';
import { compileFailure } from './context/compile-failure.ts';
import type { Envelope } from './context/envelope.ts';
import type { CacheDriver, Clock } from './cache/driver.ts';
import { createCacheDriver } from './cache/create-driver.ts';
import { cacheModuleSettings, createCacheModule } from './cache/cache-module.ts';
import { DatabaseHandle, type DatabaseSource } from './repos/database-handle.ts';
import { createReposModules } from './repos/repos-module.ts';
import { createHelperModules } from './helpers/index.ts';
import { keepAlive } from './shared/keep-alive.ts';
import { createMemberModules, packagePreludes } from './members/index.ts';
import type { FetchAnswer, FetchModule } from './members/fetch/fetch-module.ts';
import { loadFlows, type FlowRegistry } from './members/flows/format.ts';
import { runFlow, type FlowRun, type FlowRunDeps } from './members/flows/runner.ts';
import { runTriggeredFlows } from './members/flows/triggered.ts';
import { contextForKind, type KindOptions } from './members/kinds/for-kind.ts';

/** A hook to run: a file path, or source text with an optional display name (its extension sets the language: `.js` JavaScript, otherwise TypeScript). */
export type HookTarget = string | { file: string } | { source: string; filename?: string };

export interface HookChainTargets {
  pre?: readonly HookTarget[];
  handler?: HookTarget;
  post?: readonly HookTarget[];
}

export interface RuntimeOptions {
  /** A loaded config, or a config object to validate (paths relative to `cwd`). */
  config?: ResolvedConfig | EnfyraConfigInput;
  /** Read this config file instead (default ./enfyra.config.json when present). */
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Use this cache store instead of the configured one (e.g. memory with a virtual clock). The runtime does not close it. */
  cacheDriver?: CacheDriver;
  /** The clock `cacheDriver` runs on, when it is not the wall clock ($rateLimit reports times from it). */
  clock?: Clock;
  /** Use this database (open, or a handle that opens on first use) instead of the configured one. The runtime does not close it. */
  database?: DatabaseSource;
  /** More `$ctx` members: the bridge's extension point. */
  modules?: readonly HostModule[];
  /** Answer `$helpers.$fetch` from stubs instead of the network (replay). */
  fetchAnswer?: FetchAnswer;
}

export interface RunOptions {
  /** Table behind `$ctx.$repos.main` (default: config database.mainTable). */
  mainTable?: string;
  /** Any warning fails the run, the warning as the message (`--strict`; default: config compat.strict). */
  strict?: boolean;
  /** Told about every script the chain runs, as it finishes (the dev server's inspector and request traces). */
  onStep?: (step: ChainStep) => void;
  /** The handler's wall-clock limit in ms (Enfyra's handler record `timeout`; default sandbox.wallTimeoutMs). */
  handlerTimeoutMs?: number;
}

export type ChainPhase = 'pre' | 'handler' | 'post';

/** One script of a chain as it ran. */
export interface ChainStep {
  phase: ChainPhase;
  /** Position within its phase (0-based). */
  index: number;
  /** The script's display name (file path or the name given to inline source). */
  filename: string;
  outcome: InvocationOutcome;
}

/** The stores behind `$cache` and `$repos`, for tools that set up or read state around a run (replay's testing helpers). */
export interface RuntimeStores {
  readonly cache: { readonly driver: CacheDriver; readonly namespace: string };
  readonly database: DatabaseSource;
}

export class Runtime {
  readonly config: ResolvedConfig;
  /** See RuntimeStores. */
  readonly stores: RuntimeStores;
  private readonly sandbox: Sandbox;
  private readonly hooks: HookLoader;
  private readonly env: Record<string, string>;
  private readonly closers: Array<() => Promise<void> | void>;
  private closing: Promise<void> | null = null;
  /** `$helpers.$fetch`: the replayer installs its stubs here (`fetch.setAnswer`). */
  readonly fetch: FetchModule;
  private readonly counters: RunCounters;

  private constructor(
    config: ResolvedConfig,
    sandbox: Sandbox,
    hooks: HookLoader,
    env: Record<string, string>,
    closers: Array<() => Promise<void> | void>,
    stores: RuntimeStores,
    fetch: FetchModule,
    counters: RunCounters,
  ) {
    this.config = config;
    this.stores = stores;
    this.sandbox = sandbox;
    this.hooks = hooks;
    this.env = env;
    this.closers = closers;
    this.fetch = fetch;
    this.counters = counters;
  }

  static async create(options: RuntimeOptions = {}): Promise<Runtime> {
    const cwd = options.cwd ?? process.cwd();
    const env = options.env ?? process.env;
    const config = isResolved(options.config)
      ? options.config
      : options.config !== undefined
        ? resolveConfig(options.config, { root: cwd, file: null, env })
        : loadConfig({ configPath: options.configPath, cwd, env });

    const closers: Array<() => Promise<void> | void> = [];
    const driver = options.cacheDriver ?? createCacheDriver(config.cache);
    if (!options.cacheDriver) closers.push(() => driver.close());
    let database = options.database;
    if (!database) {
      const handle = new DatabaseHandle(config.database);
      closers.push(() => handle.close());
      database = handle;
    }

    const cache = { driver, namespace: config.cache.namespace, clock: options.clock };
    const counters = new RunCounters(() => loadFlows(config.flows.dir));
    const members = createMemberModules({
      config,
      flows: () => counters.flows,
      nextJobId: () => counters.nextJobId(),
      fetchAnswer: options.fetchAnswer,
    });
    const modules: HostModule[] = [
      createCacheModule({ driver, ...cacheModuleSettings(config.cache) }),
      ...createReposModules(database),
      ...createHelperModules({ helpers: config.helpers, mode: config.mode, cache, request: (scope) => scope.request }),
      ...members.modules,
      ...(options.modules ?? []),
    ];
    // Packages are bundled (and cached) before the first isolate exists; one that cannot run in an isolate
    // fails here with a PackageError naming it.
    const packages = config.packages.names.length > 0 ? await packagePreludes(config).catch(asConfigError) : [];
    const sandbox = new Sandbox(config.sandbox, modules, packages);
    closers.push(() => sandbox.close());
    const stores = { cache: { driver, namespace: config.cache.namespace }, database };
    return new Runtime(config, sandbox, new HookLoader(cwd), sanitizeEnv(env, config.envDeny), closers, stores, members.fetch, counters);
  }

  /** Run one hook for one request; returns the DESIGN §6 envelope. */
  async run(target: HookTarget, request: HookRequest = {}, options: RunOptions = {}): Promise<Envelope> {
    return (await this.runChain({ handler: target }, request, options)).envelope;
  }

  /** Run pre-hooks, handler and post-hooks in Enfyra's order (see context/chain.ts). */
  async runChain(chain: HookChainTargets, request: HookRequest = {}, options: RunOptions = {}): Promise<ChainResult> {
    const load = (t: HookTarget) => this.resolveHook(t);
    const initial = contextData(request, this.env);
    let hooks;
    try {
      hooks = {
        pre: (chain.pre ?? []).map(load),
        handler: chain.handler === undefined ? undefined : load(chain.handler),
        post: (chain.post ?? []).map(load),
      };
    } catch (err) {
      if (err instanceof ScriptCompileError) return compileFailure(err, initial);
      throw err;
    }
    const mainTable = options.mainTable ?? this.config.database.mainTable;
    const handlerLimit = options.handlerTimeoutMs === undefined ? undefined : { wallTimeoutMs: options.handlerTimeoutMs };
    const run = (hook: HookSource, data: ContextData, kind: ScriptKind) =>
      this.sandbox.invoke(hook, data, mainTable, kind, kind === 'handler' ? handlerLimit : undefined);
    const invoke = options.onStep ? observed(run, hooks, options.onStep) : run;
    // Connections are unref'd so an idle runtime never holds the process open; a run in flight does.
    const result = await keepAlive(runChain(invoke, hooks, initial, { mainTable }));
    if (!this.config.flows.runTriggered) return result;
    return { ...result, envelope: await runTriggeredFlows(this.flowDeps(), result.envelope, initial.user) };
  }

  /** Run one script as another kind (a flow step, websocket handler, bootstrap script, GraphQL resolver) with `$ctx` data built for it (runtime/members/kinds). */
  async runAs(target: HookTarget, kind: ScriptKind, data: ContextData, options: RunOptions = {}): Promise<Envelope> {
    const hook = this.resolveHook(target);
    const mainTable = options.mainTable ?? this.config.database.mainTable;
    const invoke = (h: HookSource, d: ContextData, k: ScriptKind) => this.sandbox.invoke(h, d, mainTable, k);
    const { envelope } = await runChain((h, d) => invoke(h, d, kind), { handler: hook }, data, { http: false, mainTable });
    if (!this.config.flows.runTriggered) return envelope;
    return runTriggeredFlows(this.flowDeps(), envelope, data.user);
  }

  /** Run one script as `kind`, its `$ctx` built from the request the way Enfyra builds it for that kind (members/kinds/for-kind.ts). */
  runKind(target: HookTarget, kind: ScriptKind, request: HookRequest = {}, options: RunOptions & KindOptions = {}): Promise<Envelope> {
    return this.runAs(target, kind, contextForKind(kind, request, this.env, options), options);
  }

  /** The flows under config flows.dir (read on first use; a broken flow file is a ConfigError). */
  get flows(): FlowRegistry {
    return this.counters.flows;
  }

  /** Run a local flow by name or id, as Enfyra's flow worker runs a queued job. */
  async runFlow(nameOrId: string | number, payload: unknown, options: { user?: unknown } = {}): Promise<FlowRun> {
    const flows = this.counters.flows;
    const flow = flows.byName(nameOrId) ?? flows.byId(nameOrId);
    return runFlow(this.flowDeps(), flow ?? { name: String(nameOrId) }, payload, { user: options.user ?? null });
  }

  private flowDeps(): FlowRunDeps {
    return {
      flows: this.counters.flows,
      env: this.env,
      runTriggered: this.config.flows.runTriggered,
      nextExecutionId: () => this.counters.nextJobId(),
      invoke: (code, filename, data) => this.sandbox.invoke(this.hooks.fromSource(code, filename), data, this.config.database.mainTable, 'flowStep'),
    };
  }

  /** Isolates alive / idle in the pool (for soak tests and benchmarks). */
  get poolSize(): { live: number; idle: number } {
    return this.sandbox.poolSize;
  }

  /**
   * Stops whatever still runs (an interrupted hook's locks are given back by compare-and-delete, as at
   * any hook end), then closes the cache, the database and the isolates. Safe to call more than once and
   * from a signal handler while a run is in flight: every call settles when everything is closed.
   */
  close(): Promise<void> {
    this.closing ??= keepAlive(
      (async () => {
        await this.sandbox.interrupt();
        for (const close of this.closers.reverse().splice(0)) await close();
      })(),
    );
    return this.closing;
  }

  private resolveHook(target: HookTarget): HookSource {
    if (typeof target === 'string') return this.hooks.load(target);
    if ('file' in target) return this.hooks.load(target.file);
    // Without a name, Enfyra's default language: TypeScript (a `.js` name makes it JavaScript).
    return this.hooks.fromSource(target.source, target.filename ?? 'inline-hook.ts');
  }
}

/** Per-runtime state of the members: the flows (loaded once) and the job ids Enfyra's queue would hand out. */
class RunCounters {
  private registry: FlowRegistry | null = null;
  private jobs = 0;
  private readonly load: () => FlowRegistry;

  constructor(load: () => FlowRegistry) {
    this.load = load;
  }

  get flows(): FlowRegistry {
    return (this.registry ??= this.load());
  }

  nextJobId(): string {
    return String(++this.jobs);
  }
}

export function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  return Runtime.create(options);
}

/**
 * Reports each invocation with its phase. The chain invokes hooks in order, so
 * the k-th invocation of a hook object is its k-th place in the chain (one
 * file may sit in several places).
 */
function observed(
  run: (hook: HookSource, data: ContextData, kind: ScriptKind) => Promise<InvocationOutcome>,
  hooks: { pre: HookSource[]; handler: HookSource | undefined; post: HookSource[] },
  onStep: (step: ChainStep) => void,
): (hook: HookSource, data: ContextData, kind: ScriptKind) => Promise<InvocationOutcome> {
  const places = new Map<HookSource, Array<{ phase: ChainPhase; index: number }>>();
  const add = (hook: HookSource, phase: ChainPhase, index: number) => {
    const list = places.get(hook) ?? [];
    list.push({ phase, index });
    places.set(hook, list);
  };
  hooks.pre.forEach((hook, i) => add(hook, 'pre', i));
  if (hooks.handler) add(hooks.handler, 'handler', 0);
  hooks.post.forEach((hook, i) => add(hook, 'post', i));
  return async (hook, data, kind) => {
    const place = places.get(hook)?.shift() ?? { phase: 'handler' as const, index: 0 };
    const outcome = await run(hook, data, kind);
    onStep({ ...place, filename: hook.filename, outcome });
    return outcome;
  };
}

function isResolved(config: RuntimeOptions['config']): config is ResolvedConfig {
  return config !== undefined && typeof (config as ResolvedConfig).root === 'string' && 'file' in config;
}

/** A listed package that is missing or cannot run in an isolate is the project's configuration to fix. */
function asConfigError(err: unknown): never {
  if (err instanceof PackageError) throw new ConfigError(`packages.names: ${err.message}`);
  throw err;
}
