/**
 * `enfyra-run dev`: the pipeline over HTTP, reloading what changes.
 *
 * - Hook files are re-read when they change (the hook loader checks each
 *   time); route files are reloaded on change (a broken one answers its
 *   requests with the problem, the rest keep serving).
 * - A change to the config, schema or seed file reopens the project: new
 *   tables are created, a changed table is reported with how to apply it
 *   (`enfyra-run db reset`, which deletes its rows) — nothing is dropped here.
 *   A broken config answers every request with the problem until fixed.
 * - When the SQLite file is replaced (`enfyra-run db reset` in another
 *   terminal), the project is reopened on the new file.
 * - stop(): no new connections; requests in flight finish; locks scripts still
 *   hold are released; the cache and database connections are closed.
 */
import { statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import chokidar, { type FSWatcher } from 'chokidar';
import { ConfigError, loadConfig, type ResolvedConfig } from '../config/load.ts';
import { sqliteFile } from '../repos/database.ts';
import { createApp } from './app.ts';
import { errorBody, enfyraErrors } from '../context/enfyra-errors.ts';
import { Inspector } from './inspector/inspector.ts';
import type { PipelineRequest, PipelineResult } from './pipeline.ts';
import type { Recorder } from './recording/recorder.ts';
import { formatProblem } from './routes/route-model.ts';
import { ServedProject } from './served-project.ts';
import { nextTraceId } from './trace.ts';
import { InFlight } from '../shared/in-flight.ts';

export interface DevServerOptions {
  /** --config as given (undefined: enfyra.config.json found from cwd). */
  configPath?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  port: number;
  host?: string;
  /** Writes each request as a fixture (requests then run one at a time, so each fixture's starting state is exact). */
  recorder?: Recorder | null;
  /** One line per event worth telling (reloads, problems). */
  log: (line: string) => void;
  /** Milliseconds to wait for file writes to settle before reloading. */
  reloadDelayMs?: number;
}

export interface StopSummary {
  finished: number;
  locksReleased: number;
}

export class DevServer {
  readonly inspector = new Inspector();
  private readonly options: DevServerOptions;
  private project: ServedProject | null = null;
  private configProblem: string | null = null;
  private config: ResolvedConfig;
  private server: Server | null = null;
  private watcher: FSWatcher | null = null;
  private readonly inFlight = new InFlight<Promise<unknown>>();
  private finished = 0;
  private stopping: Promise<StopSummary> | null = null;
  private sqliteInode: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private reloadTimer: NodeJS.Timeout | null = null;
  private pendingReload: 'routes' | 'project' | null = null;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(options: DevServerOptions, config: ResolvedConfig) {
    this.options = options;
    this.config = config;
  }

  static async start(options: DevServerOptions): Promise<DevServer> {
    const config = loadConfig({ configPath: options.configPath, cwd: options.cwd, env: options.env });
    const server = new DevServer(options, config);
    server.project = await server.openProject(config);
    server.report();
    await server.listen();
    server.watch();
    return server;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? this.options.port}`;
  }

  get currentProject(): ServedProject | null {
    return this.project;
  }

  /** One request, as the HTTP app hands it over (also used by tests without a socket). */
  handle(request: PipelineRequest): Promise<PipelineResult> {
    const work = this.options.recorder ? (this.queue = this.queue.then(() => this.serve(request), () => this.serve(request))) : this.serve(request);
    const tracked = work as Promise<PipelineResult>;
    this.inFlight.add(tracked);
    void tracked.finally(() => {
      this.inFlight.delete(tracked);
      this.finished++;
    }).catch(() => undefined);
    return tracked;
  }

  stop(): Promise<StopSummary> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async serve(request: PipelineRequest): Promise<PipelineResult> {
    await this.reloading;
    const project = this.project;
    if (this.configProblem || !project) return this.brokenAnswer(request, this.configProblem ?? 'the project is not open');
    const result = await project.pipeline.handle(request);
    this.inspector.add(result.trace);
    if (this.options.recorder) {
      try {
        const file = await this.options.recorder.recordRequest(request, result, project.auth);
        this.options.log(`recorded ${request.method} ${request.url} → ${file}`);
      } catch (err) {
        this.options.log(`could not record ${request.method} ${request.url}: ${(err as Error).message}`);
      }
    }
    return result;
  }

  private brokenAnswer(request: PipelineRequest, problem: string): PipelineResult {
    const error = enfyraErrors.configuration(problem);
    const body = errorBody(error, { method: request.method, url: request.url });
    const trace = {
      id: nextTraceId(),
      startedAt: new Date().toISOString(),
      method: request.method,
      url: request.url,
      route: null,
      status: 500,
      durationMs: 0,
      userId: null,
      request: { headers: {}, query: {}, body: null },
      response: body,
      steps: [],
      logs: [],
      warnings: [],
      effects: [],
      error: { statusCode: 500, code: error.code, message: error.message },
      cache: [],
      tables: [],
    };
    this.inspector.add(trace);
    const envelope = { statusCode: 500, data: body, error: { statusCode: 500, message: String(error.message), name: error.name }, logs: [], warnings: [], effects: [], durationMs: 0 };
    return { status: 500, body, headers: {}, envelope, trace, activity: undefined as never };
  }

  private async openProject(config: ResolvedConfig): Promise<ServedProject> {
    const project = await ServedProject.open({
      config,
      env: this.options.env,
      trackReads: Boolean(this.options.recorder),
      onWarning: (message) => this.options.log(`warning: ${message}`),
    });
    this.sqliteInode = this.currentSqliteInode(config);
    return project;
  }

  private listen(): Promise<void> {
    const app = createApp({ handle: (request) => this.handle(request), inspector: this.inspector });
    return new Promise((resolve, reject) => {
      const server = app.listen(this.options.port, this.options.host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve()));
      server.once('error', reject);
      this.server = server;
    });
  }

  /** Watches the files whose change needs more than the hook loader's own freshness check. */
  private watch(): void {
    const config = this.config;
    // database.schema / seed may be null (no database).
    const paths = [config.routesDir, config.database.schema, config.database.seed].filter((p): p is string => p !== null);
    if (config.file) paths.push(config.file);
    const sqlite = this.sqlitePath(config);
    if (sqlite) paths.push(sqlite);
    this.watcher = chokidar.watch(paths, { ignoreInitial: true });
    this.watcher.on('all', (_event, file) => {
      if (file === sqlite) {
        if (this.currentSqliteInode(this.config) !== this.sqliteInode) this.scheduleReload('project', 'the database file was replaced');
        return;
      }
      if (file.startsWith(config.routesDir)) this.scheduleReload('routes', null);
      else this.scheduleReload('project', `${file === config.file ? 'config' : 'schema or seed'} changed`);
    });
  }

  private scheduleReload(kind: 'routes' | 'project', why: string | null): void {
    if (this.pendingReload !== 'project') this.pendingReload = kind;
    if (why) this.pendingWhy = why;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      const what = this.pendingReload;
      this.pendingReload = null;
      if (what) this.reloading = this.reloading.then(() => this.reload(what, this.pendingWhy));
    }, this.options.reloadDelayMs ?? 50);
  }

  private pendingWhy: string | null = null;

  private async reload(kind: 'routes' | 'project', why: string | null): Promise<void> {
    if (this.stopping) return;
    if (kind === 'routes' && this.project && !this.configProblem) {
      this.project.reloadRoutes();
      this.options.log('routes reloaded');
      this.report();
      return;
    }
    let config: ResolvedConfig;
    try {
      config = loadConfig({ configPath: this.options.configPath, cwd: this.options.cwd, env: this.options.env });
    } catch (err) {
      this.configProblem = (err as Error).message;
      this.options.log(`config problem: ${this.configProblem} (every request answers with it until fixed)`);
      this.report();
      return;
    }
    let next: ServedProject;
    try {
      next = await this.openProject(config);
    } catch (err) {
      this.configProblem = (err as Error).message;
      this.options.log(`cannot reopen the project: ${this.configProblem}`);
      this.report();
      return;
    }
    const previous = this.project;
    this.project = next;
    this.config = config;
    this.configProblem = null;
    this.options.log(`project reloaded${why ? ` (${why})` : ''}`);
    if (why === 'schema or seed changed') {
      this.options.log('  new tables are created as needed; a changed table is not altered: run "enfyra-run db reset" to apply it (this deletes its rows)');
    }
    await this.checkDatabase(next);
    this.report();
    if (previous) void this.closeWhenIdle(previous);
  }

  /** Opens the database now, so a schema that no longer fits it is reported on reload, not on the first request. */
  private async checkDatabase(project: ServedProject): Promise<void> {
    try {
      await project.openDatabase();
    } catch (err) {
      this.options.log(`database problem: ${(err as Error).message}`);
    }
  }

  private async closeWhenIdle(project: ServedProject): Promise<void> {
    await Promise.allSettled(this.inFlight.snapshot());
    await project.close().catch((err: unknown) => this.options.log(`closing the previous project failed: ${(err as Error).message}`));
  }

  private report(): void {
    const project = this.project;
    const problems = [...(this.configProblem ? [this.configProblem] : []), ...(project?.routes.problems.map(formatProblem) ?? [])];
    for (const p of project?.routes.problems ?? []) this.options.log(`route problem: ${formatProblem(p)}`);
    for (const w of project?.routes.warnings ?? []) this.options.log(`route warning: ${w}`);
    this.inspector.setStatus({
      problems,
      warnings: [...(project?.routes.warnings ?? [])],
      routes: (project?.routes.routes ?? []).map((r) => ({ path: r.path, methods: r.availableMethods, file: r.origin.file, broken: Boolean(r.broken) })),
    });
  }

  private sqlitePath(config: ResolvedConfig): string | null {
    if (config.database.client !== 'sqlite') return null;
    try {
      const file = sqliteFile(config.database);
      return file === ':memory:' ? null : file;
    } catch (err) {
      if (err instanceof ConfigError) return null;
      throw err;
    }
  }

  private currentSqliteInode(config: ResolvedConfig): number | null {
    const file = this.sqlitePath(config);
    if (!file) return null;
    try {
      return statSync(file).ino;
    } catch {
      return null;
    }
  }

  private async shutdown(): Promise<StopSummary> {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.watcher?.close();
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    this.inspector.closeStreams();
    server?.closeIdleConnections();
    const deadline = (this.config.sandbox.wallTimeoutMs ?? 10_000) + 5000;
    await Promise.race([Promise.allSettled(this.inFlight.snapshot()), delay(deadline)]);
    const finished = this.finished;
    server?.closeAllConnections();
    await closed;
    await this.reloading;
    let locksReleased = 0;
    if (this.project) {
      locksReleased = await this.project.locks.releaseAll();
      await this.project.close();
    }
    return { finished, locksReleased };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
