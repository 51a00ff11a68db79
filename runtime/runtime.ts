/**
 * The runtime: config + sandbox + the host modules behind `$ctx`
 * ($cache, $repos, $helpers). This is the programmatic API users' own tests
 * use, and what the CLI and replay drive.
 */
import { loadConfig, resolveConfig, type ResolvedConfig } from './config/load.ts';
import type { EnfyraConfigInput } from './config/schema.ts';
import { Sandbox } from './sandbox/sandbox.ts';
import type { HostModule } from './sandbox/host-module.ts';
import type { ContextData, HookSource } from './sandbox/invocation.ts';
import { HookLoader } from './sandbox/hook-loader.ts';
import { contextData, type HookRequest } from './context/request.ts';
import { sanitizeEnv } from './context/env.ts';
import { runChain, type ChainResult } from './context/chain.ts';
import type { Envelope } from './context/envelope.ts';
import type { CacheDriver, Clock } from './cache/driver.ts';
import { createCacheDriver } from './cache/create-driver.ts';
import { createCacheModule } from './cache/cache-module.ts';
import { DatabaseHandle, type DatabaseSource } from './repos/database-handle.ts';
import { createReposModules } from './repos/repos-module.ts';
import { createHelperModules } from './helpers/index.ts';

/** A hook to run: a file path, or source text with an optional display name. */
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
}

export interface RunOptions {
  /** Table behind `$ctx.$repos.main` (default: config database.mainTable). */
  mainTable?: string;
}

export class Runtime {
  readonly config: ResolvedConfig;
  private readonly sandbox: Sandbox;
  private readonly hooks: HookLoader;
  private readonly env: Record<string, string>;
  private readonly closers: Array<() => Promise<void> | void>;

  private constructor(
    config: ResolvedConfig,
    sandbox: Sandbox,
    hooks: HookLoader,
    env: Record<string, string>,
    closers: Array<() => Promise<void> | void>,
  ) {
    this.config = config;
    this.sandbox = sandbox;
    this.hooks = hooks;
    this.env = env;
    this.closers = closers;
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
    const modules: HostModule[] = [
      createCacheModule({
        driver,
        namespace: config.cache.namespace,
        maxValueBytes: config.cache.maxValueBytes,
        releaseLeakedLocks: config.cache.releaseLeakedLocks,
      }),
      ...createReposModules(database),
      ...createHelperModules({ helpers: config.helpers, mode: config.mode, cache, request: (scope) => scope.request }),
      ...(options.modules ?? []),
    ];
    const sandbox = new Sandbox(config.sandbox, modules);
    closers.push(() => sandbox.close());
    return new Runtime(config, sandbox, new HookLoader(cwd), sanitizeEnv(env, config.envDeny), closers);
  }

  /** Run one hook for one request; returns the DESIGN §6 envelope. */
  async run(target: HookTarget, request: HookRequest = {}, options: RunOptions = {}): Promise<Envelope> {
    return (await this.runChain({ handler: target }, request, options)).envelope;
  }

  /** Run pre-hooks, handler and post-hooks in Enfyra's order (see context/chain.ts). */
  async runChain(chain: HookChainTargets, request: HookRequest = {}, options: RunOptions = {}): Promise<ChainResult> {
    const load = (t: HookTarget) => this.resolveHook(t);
    const hooks = {
      pre: (chain.pre ?? []).map(load),
      handler: chain.handler === undefined ? undefined : load(chain.handler),
      post: (chain.post ?? []).map(load),
    };
    const mainTable = options.mainTable ?? this.config.database.mainTable;
    const invoke = (hook: HookSource, data: ContextData) => this.sandbox.invoke(hook, data, mainTable);
    return runChain(invoke, hooks, contextData(request, this.env));
  }

  /** Isolates alive / idle in the pool (for soak tests and benchmarks). */
  get poolSize(): { live: number; idle: number } {
    return this.sandbox.poolSize;
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse().splice(0)) await close();
  }

  private resolveHook(target: HookTarget): HookSource {
    if (typeof target === 'string') return this.hooks.load(target);
    if ('file' in target) return this.hooks.load(target.file);
    return this.hooks.fromSource(target.source, target.filename ?? 'inline-hook.js');
  }
}

export function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  return Runtime.create(options);
}

function isResolved(config: RuntimeOptions['config']): config is ResolvedConfig {
  return config !== undefined && typeof (config as ResolvedConfig).root === 'string' && 'file' in config;
}
