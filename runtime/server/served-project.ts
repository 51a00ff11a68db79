/**
 * A project opened for serving requests: its runtime on the configured cache
 * and database (wrapped to track each request's activity and the locks held),
 * the user lookup behind tokens, and its routes — everything the pipeline
 * needs, and the one thing to close.
 */
import type { ResolvedConfig } from '../config/load.ts';
import { createCacheDriver } from '../cache/create-driver.ts';
import type { CacheDriver } from '../cache/driver.ts';
import { namespacedKey } from '../cache/keys.ts';
import { loadFixtures } from '../repos/fixtures.ts';
import { Runtime, type RunOptions } from '../runtime.ts';
import type { HookRequest } from '../context/request.ts';
import { activityStore, RequestActivity } from './activity/request-activity.ts';
import type { RecordedOutcome } from './recording/recorder.ts';
import { ActivityCacheDriver } from './activity/activity-cache.ts';
import { ActivityDatabaseHandle } from './activity/activity-database.ts';
import { LockLedgerDriver } from './activity/lock-ledger.ts';
import { Authenticator } from './auth.ts';
import { BodyParser } from './http/body.ts';
import { Pipeline } from './pipeline.ts';
import { loadRouteTable } from './routes/load-routes.ts';
import type { RouteTable } from './routes/route-table.ts';

export interface ServedProjectOptions {
  config: ResolvedConfig;
  env?: NodeJS.ProcessEnv;
  /** Record the rows and keys each request reads (for fixtures). */
  trackReads?: boolean;
  onWarning?: (message: string) => void;
}

export class ServedProject {
  readonly config: ResolvedConfig;
  readonly runtime: Runtime;
  readonly locks: LockLedgerDriver;
  readonly tables: readonly string[];
  private readonly cache: ActivityCacheDriver;
  /** The configured cache store under the wrappers (the runtime does not close a driver it was given). */
  private readonly store: CacheDriver;
  private readonly database: ActivityDatabaseHandle;
  private readonly authenticator: Authenticator;
  private readonly bodyParser = new BodyParser();
  private readonly options: ServedProjectOptions;
  private table: RouteTable;
  private current: Pipeline;

  private constructor(options: ServedProjectOptions, parts: {
    runtime: Runtime;
    store: CacheDriver;
    locks: LockLedgerDriver;
    cache: ActivityCacheDriver;
    database: ActivityDatabaseHandle;
    tables: string[];
  }) {
    this.options = options;
    this.config = options.config;
    this.runtime = parts.runtime;
    this.store = parts.store;
    this.locks = parts.locks;
    this.cache = parts.cache;
    this.database = parts.database;
    this.tables = parts.tables;
    this.authenticator = new Authenticator({
      secret: options.config.helpers.jwtSecret,
      database: () => this.database.open(),
      onWarning: options.onWarning,
    });
    this.table = this.loadRoutes(null);
    this.current = this.newPipeline();
  }

  static async open(options: ServedProjectOptions): Promise<ServedProject> {
    const { config } = options;
    const fixtures = loadFixtures(config.database);
    const store = createCacheDriver(config.cache);
    const locks = new LockLedgerDriver(store);
    const cache = new ActivityCacheDriver(locks, namespacedKey(config.cache.namespace, ''));
    const database = new ActivityDatabaseHandle(config.database, { fixtures });
    let runtime: Runtime;
    try {
      runtime = await Runtime.create({ config, cwd: config.root, env: options.env, cacheDriver: cache, database });
    } catch (err) {
      await Promise.allSettled([store.close(), database.close()]);
      throw err;
    }
    return new ServedProject(options, { runtime, store, locks, cache, database, tables: [...fixtures.schema.tables.keys()] });
  }

  get routes(): RouteTable {
    return this.table;
  }

  get pipeline(): Pipeline {
    return this.current;
  }

  get auth(): Authenticator {
    return this.authenticator;
  }

  /** Runs one hook file as `enfyra-run run` does, noting what it read and changed (for `run --record`). */
  async runHook(hook: string, request: HookRequest, options: RunOptions = {}): Promise<RecordedOutcome> {
    const activity = new RequestActivity({ trackReads: this.options.trackReads });
    const startedMs = Date.now();
    const envelope = await activityStore.run(activity, () => this.runtime.run(hook, request, options));
    await this.cache.settle(activity);
    await this.database.settle(activity);
    return { envelope, activity, startedMs, endedMs: Date.now() };
  }

  /** Opens the database now (it opens on first use otherwise), to report a schema that no longer fits it. */
  async openDatabase(): Promise<void> {
    await this.database.open();
  }

  /** Re-reads the route files; a file that broke keeps its route, answering with the problem. */
  reloadRoutes(): RouteTable {
    this.table = this.loadRoutes(this.table);
    this.current = this.newPipeline();
    return this.table;
  }

  async close(): Promise<void> {
    await this.runtime.close();
    await Promise.allSettled([this.store.close(), this.database.close()]);
  }

  private loadRoutes(previous: RouteTable | null): RouteTable {
    return loadRouteTable({ routesDir: this.config.routesDir, root: this.config.root, tables: this.tables, previous });
  }

  private newPipeline(): Pipeline {
    return new Pipeline({
      runtime: this.runtime,
      routes: this.table,
      authenticator: this.authenticator,
      bodyParser: this.bodyParser,
      root: this.config.root,
      activityCache: this.cache,
      activityDatabase: this.database,
      trackReads: this.options.trackReads,
      onWarning: this.options.onWarning,
    });
  }
}
