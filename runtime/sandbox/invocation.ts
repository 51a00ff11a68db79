/**
 * One hook invocation in one fresh context of a pooled isolate.
 *
 * The isolate is driven synchronously from the host thread: every entry
 * (bootstrap, hook start, settling a host call) is a `*Sync` call with the
 * invocation's remaining CPU budget as its timeout. Between entries nothing
 * runs inside the isolate, so a hook waiting on I/O costs no thread, a host
 * call costs two cheap crossings instead of thread hops, and the wall-clock
 * limit is a plain timer.
 */
import ivm from 'isolated-vm';
import type { HostMethod, ScopeRequest } from './host-module.js';
import type { IsolatePool, PooledIsolate } from './isolate-pool.js';
import { hookScriptSource } from './bootstrap-source.js';
import { Scope } from './invocation-scope.js';
import { Unrepresentable, type UnrepresentableKind } from './wire.js';
import type { SandboxConfig } from '../config/schema.js';

export interface HookSource {
  /** Shown in error messages and stack traces. */
  readonly filename: string;
  /** Function-body source, template syntax already rewritten. */
  readonly code: string;
}

/** The request surface copied into `$ctx` (all JSON values). */
export interface ContextData {
  params: unknown;
  query: unknown;
  body: unknown;
  user: unknown;
  req: unknown;
  share: unknown;
  data: unknown;
  statusCode: unknown;
  api: unknown;
  env: unknown;
}

export type ChangedFields = Partial<Record<'$body' | '$query' | '$share' | '$data' | '$statusCode', unknown>>;

export interface InvocationError {
  /** HTTP status when the error carries one ($throw, host 4xx/5xx); null for plain script errors. */
  statusCode: number | null;
  name: string;
  message: string;
  details?: unknown[];
  /** Which limit ended the hook, when one did. */
  limit?: 'cpu' | 'wall' | 'memory';
}

export interface InvocationOutcome {
  ok: boolean;
  /** The hook's return value as JSON (null for non-JSON values and when it returned nothing). */
  data: unknown;
  /** False when the hook returned `undefined` (lets a chain tell "no answer" from `null`). */
  returned: boolean;
  error: InvocationError | null;
  logs: string[];
  changed: ChangedFields;
  durationMs: number;
}

export type MethodTable = ReadonlyMap<string, HostMethod>;

export interface InvocationDeps {
  pool: IsolatePool;
  limits: SandboxConfig;
  methods: MethodTable;
  endHooks: ReadonlyArray<(scope: Scope) => Promise<void> | void>;
}

export const RUNTIME_LOG_PREFIX = '[enfyra-run]';

const TIMED_OUT = 'Script execution timed out.';

export async function runInvocation(
  deps: InvocationDeps,
  hook: HookSource,
  data: ContextData,
  mainTable: string | undefined,
): Promise<InvocationOutcome> {
  const pooled = await deps.pool.acquire();
  return new Invocation(deps, pooled, hook, data, mainTable).run();
}

class Invocation {
  private readonly started = performance.now();
  private readonly scope: Scope;
  private readonly logs: string[] = [];
  private droppedLogs = 0;
  private cpuUsedMs = 0;
  private context: ivm.Context | null = null;
  private settleRef: ivm.Reference<(id: number, reply: string) => void> | null = null;
  private wallTimer: NodeJS.Timeout | null = null;
  private finished = false;
  private returned = false;
  private discardIsolate = false;
  private resolve!: (outcome: InvocationOutcome) => void;

  constructor(
    private readonly deps: InvocationDeps,
    private readonly pooled: PooledIsolate,
    private readonly hook: HookSource,
    private readonly data: ContextData,
    mainTable: string | undefined,
  ) {
    this.scope = new Scope(mainTable, Date.now() + deps.limits.wallTimeoutMs, scopeRequest(data));
  }

  run(): Promise<InvocationOutcome> {
    const done = new Promise<InvocationOutcome>((resolve) => (this.resolve = resolve));
    this.wallTimer = setTimeout(
      () =>
        this.end({
          statusCode: null,
          name: 'TimeoutError',
          message: `hook did not finish within the wall-clock limit (sandbox.wallTimeoutMs = ${this.deps.limits.wallTimeoutMs} ms)`,
          limit: 'wall',
        }),
      this.deps.limits.wallTimeoutMs,
    );
    this.start();
    return done;
  }

  private start(): void {
    const { isolate } = this.pooled;
    let script: ivm.Script;
    try {
      script = this.deps.pool.compiledHook(this.pooled, `${this.hook.filename}\0${this.hook.code}`, () =>
        isolate.compileScriptSync(hookScriptSource(this.hook.code), { filename: this.hook.filename, lineOffset: -1 }),
      );
    } catch (err) {
      this.end(compileError(err, this.hook.filename));
      return;
    }
    try {
      const context = (this.context = isolate.createContextSync());
      const global = context.global;
      global.setSync('__enfyraHost', new ivm.Callback(this.onHostCall));
      global.setSync('__enfyraInit', JSON.stringify(this.data));
      this.settleRef = this.enter((timeout) =>
        this.pooled.bootstrap.runSync(context, { timeout, reference: true }),
      ) as ivm.Reference<(id: number, reply: string) => void>;
      this.enter((timeout) => script.runSync(context, { timeout }));
    } catch (err) {
      this.end(this.entryError(err));
    }
  }

  /** Runs one synchronous entry into the isolate within the remaining CPU budget. */
  private enter<T>(fn: (timeoutMs: number) => T): T {
    const remaining = this.deps.limits.cpuTimeoutMs - this.cpuUsedMs;
    if (remaining <= 0) throw new Error(TIMED_OUT);
    const t0 = performance.now();
    try {
      return fn(Math.max(1, Math.ceil(remaining)));
    } finally {
      this.cpuUsedMs += performance.now() - t0;
    }
  }

  private entryError(err: unknown): InvocationError {
    const message = err instanceof Error ? err.message : String(err);
    if (this.pooled.isolate.isDisposed || /memory limit/i.test(message)) {
      this.discardIsolate = true;
      return {
        statusCode: null,
        name: 'MemoryLimitError',
        message: `hook exceeded the memory limit (sandbox.memoryLimitMb = ${this.deps.limits.memoryLimitMb} MB)`,
        limit: 'memory',
      };
    }
    if (message === TIMED_OUT) {
      // Terminated mid-script: start the next invocation on a clean isolate.
      this.discardIsolate = true;
      return {
        statusCode: null,
        name: 'TimeoutError',
        message: `hook used more than its CPU time limit (sandbox.cpuTimeoutMs = ${this.deps.limits.cpuTimeoutMs} ms)`,
        limit: 'cpu',
      };
    }
    this.discardIsolate = true;
    return { statusCode: null, name: err instanceof Error ? err.name : 'Error', message };
  }

  // The one host function the isolate can reach (see bootstrap-source.ts for the protocol).
  private readonly onHostCall = (kind: string, a: unknown, b: unknown, c: unknown, d: unknown): string => {
    if (this.finished) return 'e' + JSON.stringify({ name: 'Error', message: 'the invocation has ended' });
    switch (kind) {
      case 's':
        return this.callSync(a as string, b as string, c as string);
      case 'a':
        this.callAsync(a as string, b as string, c as string, d as number);
        return '';
      case 'l':
        return this.pushLog(a as string);
      case 'd':
        this.onDone(a as string);
        return '';
      default:
        return 'e' + JSON.stringify({ name: 'Error', message: 'unknown bridge call' });
    }
  };

  private lookup(op: string): HostMethod {
    const method = this.deps.methods.get(op);
    if (!method) throw new TypeError(`${op} is not available`);
    return method;
  }

  private callSync(op: string, argsJson: string, specials: string): string {
    try {
      const method = this.lookup(op);
      return encodeReply(method.call(this.scope, decodeArgs(argsJson, specials)));
    } catch (err) {
      return encodeErrorReply(err);
    }
  }

  private callAsync(op: string, argsJson: string, specials: string, id: number): void {
    let result: unknown;
    try {
      result = this.lookup(op).call(this.scope, decodeArgs(argsJson, specials));
    } catch (err) {
      queueMicrotask(() => this.settle(id, encodeErrorReply(err)));
      return;
    }
    Promise.resolve(result).then(
      (value) => this.settle(id, encodeReply(value)),
      (err) => this.settle(id, encodeErrorReply(err)),
    );
  }

  private settle(id: number, reply: string): void {
    if (this.finished || !this.settleRef) return;
    const settleRef = this.settleRef;
    try {
      this.enter((timeout) => settleRef.applySync(undefined, [id, reply], { timeout }));
    } catch (err) {
      this.end(this.entryError(err));
    }
  }

  private pushLog(line: string): string {
    if (this.logs.length >= this.deps.limits.maxLogs) {
      this.droppedLogs++;
      return 'full';
    }
    this.logs.push(line);
    return this.logs.length >= this.deps.limits.maxLogs ? 'full' : 'ok';
  }

  private onDone(payload: string): void {
    let out: DonePayload;
    try {
      out = JSON.parse(payload) as DonePayload;
    } catch {
      this.end({ statusCode: null, name: 'Error', message: 'the sandbox returned an unreadable result' });
      return;
    }
    this.droppedLogs += out.dropped;
    const changed: ChangedFields = {};
    for (const [field, json] of Object.entries(out.changed ?? {})) {
      if (typeof json === 'string') changed[field as keyof ChangedFields] = JSON.parse(json);
    }
    if (out.ok) {
      if (out.dataProblem) this.warn(`the hook returned a value JSON cannot represent (${out.dataProblem}); data is null`);
      this.returned = out.data !== undefined || out.dataProblem !== undefined;
      this.end(null, out.data === undefined ? null : JSON.parse(out.data), changed);
      return;
    }
    const e = out.error!;
    const error: InvocationError = { statusCode: e.statusCode, name: e.name, message: e.message };
    if (e.details) {
      const details = JSON.parse(e.details) as unknown[];
      if (details.length) error.details = details;
    }
    if (e.thrownNonError) error.message = `hook threw a non-Error value: ${e.message}`;
    this.end(error, null, changed);
  }

  private warn(message: string): void {
    this.logs.push(`${RUNTIME_LOG_PREFIX} warning: ${message}`);
  }

  private end(error: InvocationError | null, data: unknown = null, changed: ChangedFields = {}): void {
    if (this.finished) return;
    this.finished = true;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    if (error?.limit === 'wall') this.discardIsolate = false;
    this.settleRef?.release();
    try {
      this.context?.release();
    } catch {
      // The context of a disposed isolate is already gone.
    }
    this.deps.pool.release(this.pooled, this.discardIsolate);
    void this.finish(error, data, changed);
  }

  private async finish(error: InvocationError | null, data: unknown, changed: ChangedFields): Promise<void> {
    for (const onEnd of this.deps.endHooks) {
      try {
        await onEnd(this.scope);
      } catch (err) {
        this.scope.warn(`clean-up failed: ${(err as Error).message}`);
      }
    }
    for (const message of this.scope.warnings) this.warn(message);
    if (this.droppedLogs > 0) {
      this.warn(`${this.droppedLogs} log line(s) dropped (sandbox.maxLogs = ${this.deps.limits.maxLogs})`);
    }
    this.resolve({
      ok: error === null,
      data: error ? null : data,
      returned: error === null && this.returned,
      error,
      logs: this.logs,
      changed,
      durationMs: performance.now() - this.started,
    });
  }
}

interface DonePayload {
  ok: boolean;
  dropped: number;
  data?: string;
  dataProblem?: string;
  error?: {
    name: string;
    message: string;
    statusCode: number | null;
    details: string | null;
    thrownNonError: boolean;
  };
  changed?: Record<string, string | null>;
}

function scopeRequest(data: ContextData): ScopeRequest {
  const req = (data.req ?? {}) as { ip?: unknown; method?: unknown; url?: unknown };
  const user = data.user as { id?: unknown } | null | undefined;
  const userId = user && (typeof user.id === 'string' || typeof user.id === 'number') ? user.id : null;
  return {
    ip: typeof req.ip === 'string' ? req.ip : null,
    userId,
    route: `${typeof req.method === 'string' ? req.method : 'GET'} ${typeof req.url === 'string' ? req.url : '/'}`,
  };
}

function decodeArgs(argsJson: string, specials: string): unknown[] {
  const args = JSON.parse(argsJson) as unknown[];
  if (specials) {
    for (const [index, [kind, detail]] of Object.entries(JSON.parse(specials) as Record<string, [string, string]>)) {
      args[Number(index)] = kind === 'undefined' ? undefined : new Unrepresentable(kind as UnrepresentableKind, detail);
    }
  }
  return args;
}

function encodeReply(value: unknown): string {
  if (value === undefined) return 'u';
  return 'v' + JSON.stringify(value);
}

function encodeErrorReply(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown; statusCode?: unknown };
  return (
    'e' +
    JSON.stringify({
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(err),
      statusCode: typeof e?.statusCode === 'number' ? e.statusCode : undefined,
    })
  );
}

function compileError(err: unknown, filename: string): InvocationError {
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : 'SyntaxError';
  // isolated-vm appends "[file:line:col]"; say it the way editors link it.
  const where = /\[([^\]]+):(\d+):(\d+)\]\s*$/.exec(message);
  const text = where ? `${message.slice(0, where.index).trim()} (${where[1]}:${where[2]}:${where[3]})` : `${message} (${filename})`;
  return { statusCode: null, name, message: text };
}
