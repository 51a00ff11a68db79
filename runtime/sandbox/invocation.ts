/**
 * One hook invocation on a pooled isolate, in the isolate's one (frozen, reused) context with a fresh
 * `$ctx`: one entry starts it, host-call replies are delivered in batches, and an abnormal end (a limit,
 * an entry still running after the answer) discards the isolate with its context.
 *
 * Entries that run hook code (starting the hook, settling a host call) are
 * asynchronous isolated-vm calls, one at a time per invocation, each with the
 * invocation's remaining CPU budget as its timeout. They are not `*Sync`
 * calls on purpose: after every entry isolated-vm copies an exception that
 * escaped it, or the reason of a promise left rejected without a handler, and
 * that copy reads `message`/`stack`/`name` — hook code — with no timeout. A
 * hook can make that loop forever; on the host thread it would stall the whole
 * process, on an isolated-vm worker thread it only stalls that isolate, which
 * the entry guard below then disposes. Between entries nothing runs inside the
 * isolate, so a hook waiting on I/O costs no thread and the wall-clock limit
 * is a plain timer. Only our own bootstrap (no hook code) runs synchronously.
 */
import { AsyncResource } from 'node:async_hooks';
import os from 'node:os';
import ivm from 'isolated-vm';
import type { HostMethod, ScopeRequest } from './host-module.ts';
import type { IsolatePool, PooledIsolate } from './isolate-pool.ts';
import { hookScriptSource } from './bootstrap-source.ts';
import { Scope } from './invocation-scope.ts';
import { isolateInspector, retireIsolate } from './inspector-hook.ts';
import type { Effect, Warning } from '../shared/diagnostics.ts';
import type { SandboxConfig } from '../config/schema.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';
import type { InFlight } from '../shared/in-flight.ts';
import type { HookSource, SourcePosition } from '../compile/hook-source.ts';
import { codeFrame } from '../compile/code-frame.ts';
import { webIntrinsic } from './web-intrinsics.ts';
import { ENTRY, LAST_SYNC_CALL, MESSAGE, REPLY, RETURNED_FIELDS, type ChangedFields, type ContextData, type HookFunction, type OutcomeError, type OutcomeMessage, type ReturnedField } from './protocol.ts';
import { INVOCATION_ENDED, decodeArgs, encodeErrorReply, encodeReply, errorReply } from './host-codec.ts';

/** What the sandbox runs: the compile step's output (runtime/compile/hook-source.ts), or any code with a name. */
export type { HookSource } from '../compile/hook-source.ts';

/** Per-invocation settings a caller may give (Enfyra's handler record has its own timeout). */
export interface InvokeOptions {
  /** The wall-clock limit of this invocation in ms (default sandbox.wallTimeoutMs). */
  wallTimeoutMs?: number;
}

export type { ChangedFields, ContextData } from './protocol.ts';

export interface InvocationError {
  /** HTTP status when the error carries one ($throw, host 4xx/5xx); null for plain script errors. */
  statusCode: number | null;
  name: string;
  message: string;
  /** `$throw`'s details as the script gave them (any JSON value); absent when none. */
  details?: unknown;
  /** Enfyra's error code when it has one (`HTTP_ERROR`, `RESOURCE_NOT_FOUND`, `SCRIPT_TIMEOUT`, ...). */
  code?: string;
  /** Which limit ended the hook, when one did. */
  limit?: 'cpu' | 'wall' | 'memory';
  /**
   * Where in the script as written the error was raised (the innermost frame in the hook's own code),
   * when the stack says; `codeFrame` shows the lines around it.
   */
  position?: SourcePosition;
  codeFrame?: string;
}

export interface InvocationOutcome {
  ok: boolean;
  /** The hook's return value as JSON (null for non-JSON values and when it returned nothing). */
  data: unknown;
  /** False when the hook returned `undefined` (lets a chain tell "no answer" from `null`). */
  returned: boolean;
  error: InvocationError | null;
  /** One display line per `$logs`/`console.*` call, plus the runtime's own `[enfyra-run]` lines. */
  logs: string[];
  /** Enfyra's log entries: one JSON value per argument of every `$logs`/`console.*` call (objects stay objects). */
  logEntries: unknown[];
  warnings: Warning[];
  effects: Effect[];
  changed: ChangedFields;
  durationMs: number;
}

export type MethodTable = ReadonlyMap<string, HostMethod>;

export interface InvocationDeps {
  pool: IsolatePool;
  limits: SandboxConfig;
  methods: MethodTable;
  endHooks: ReadonlyArray<(scope: Scope) => Promise<void> | void>;
  /** Invocations running now, so the sandbox can interrupt them (see Sandbox.interrupt). */
  running?: InFlight<Interruptible>;
}

/** A running invocation, as the sandbox sees it when it has to stop everything. */
export interface Interruptible {
  /** Stop at once: the isolate is disposed and the end hooks run, told the invocation was interrupted. */
  interrupt(): void;
  /** Settles once the invocation has ended and its end hooks are done. */
  readonly done: Promise<unknown>;
}

export const INTERRUPTED_ERROR: InvocationError = { statusCode: null, name: 'InterruptedError', message: 'the run was interrupted before the hook finished' };

export const RUNTIME_LOG_PREFIX = '[enfyra-run]';

const TIMED_OUT = 'Script execution timed out.';

/**
 * How long an entry may outlive its CPU budget before the isolate is disposed
 * from the host thread (isolated-vm's own timeout does not cover the copy of an
 * escaped exception; see the file comment).
 */
const ENTRY_GRACE_MS = 500;

/** Inside the isolate this long (ms), an invocation may have grown its heap: the pool looks at it. */
const HEAVY_CPU_MS = 2;

/**
 * Entries in the isolates at once, across all invocations: one per core. The
 * CPU limit is measured as time spent inside the isolate, which only tracks
 * CPU time while isolates do not outnumber the cores; waiting for a slot does
 * not count.
 */
const ENTRY_SLOTS = Math.max(1, os.availableParallelism());
let entrySlotsUsed = 0;
const entrySlotWaiters: Array<() => void> = [];

function takeEntrySlot(): Promise<void> | undefined {
  if (entrySlotsUsed < ENTRY_SLOTS) {
    entrySlotsUsed++;
    return undefined;
  }
  return new Promise((resolve) => entrySlotWaiters.push(resolve));
}

function giveEntrySlot(): void {
  const next = entrySlotWaiters.shift();
  if (next) next();
  else entrySlotsUsed--;
}

const RETURNED: ReadonlySet<string> = new Set(RETURNED_FIELDS);
const isReturnedField = (field: string): field is ReturnedField => RETURNED.has(field);

export async function runInvocation(
  deps: InvocationDeps,
  hook: HookSource,
  data: ContextData,
  mainTable: string | undefined,
  kind?: ScriptKind,
  options: InvokeOptions = {},
): Promise<InvocationOutcome> {
  const pooled = await deps.pool.acquire();
  const invocation = new Invocation(deps, pooled, hook, data, mainTable, kind, options.wallTimeoutMs ?? deps.limits.wallTimeoutMs);
  const done = invocation.run();
  const running: Interruptible = { interrupt: () => invocation.interrupt(), done };
  deps.running?.add(running);
  try {
    return await done;
  } finally {
    deps.running?.delete(running);
  }
}

class Invocation {
  private readonly started = performance.now();
  /**
   * The async context the invocation was started in. isolated-vm calls the
   * host from outside any async context; host methods run back inside this
   * one, so AsyncLocalStorage works in them (the dev server tells concurrent
   * requests' cache and table accesses apart this way).
   */
  private readonly asyncScope = new AsyncResource('enfyra-run.invocation');
  private readonly scope: Scope;
  private readonly logs: string[] = [];
  private readonly logEntries: unknown[] = [];
  private readonly wallTimeoutMs: number;
  private droppedLogs = 0;
  /** `isolate.wallTime` when the invocation entered the isolate: time spent inside counts against cpuTimeoutMs. */
  private wallAtStart: bigint | null = null;
  /** The invocation's id in the isolate (its messages carry it; others are dropped). */
  private readonly id: number;
  private started_ = false;
  private wallTimer: NodeJS.Timeout | null = null;
  /** Host-call replies waiting for the isolate (delivered one entry at a time). */
  private readonly replies: Array<[number, string]> = [];
  /** Entries started (waiting for a slot or running in the isolate): 0 or 1. */
  private entries = 0;
  /** The entry holds an entry slot (see ENTRY_SLOTS); given back exactly once. */
  private holdsSlot = false;
  /** Set when the host disposed the isolate to stop a runaway entry. */
  private killed: 'cpu' | 'wall' | 'memory' | null = null;
  private finished = false;
  private released = false;
  private returned = false;
  private discardIsolate = false;
  private resolve!: (outcome: InvocationOutcome) => void;
  /** Settles once the isolate is back in the pool: the outcome is delivered after that. */
  private markReleased!: () => void;
  private readonly releasedSignal = new Promise<void>((resolve) => (this.markReleased = resolve));

  private readonly deps: InvocationDeps;
  private readonly pooled: PooledIsolate;
  private readonly hook: HookSource;
  private readonly data: ContextData;

  constructor(
    deps: InvocationDeps,
    pooled: PooledIsolate,
    hook: HookSource,
    data: ContextData,
    mainTable: string | undefined,
    kind: ScriptKind | undefined,
    wallTimeoutMs: number,
  ) {
    this.deps = deps;
    this.wallTimeoutMs = wallTimeoutMs;
    this.id = 0;
    this.pooled = pooled;
    this.hook = hook;
    this.data = data;
    this.scope = new Scope({
      mainTable,
      deadline: Date.now() + wallTimeoutMs,
      request: scopeRequest(data),
      kind,
      context: contextMembers(data),
      file: hook.filename,
    });
    this.id = this.scope.id;
    pooled.onLost = this.onLost;
  }

  run(): Promise<InvocationOutcome> {
    const done = new Promise<InvocationOutcome>((resolve) => (this.resolve = resolve));
    this.wallTimer = setTimeout(() => {
      // Still inside the isolate at the wall-clock limit: it will not come back by itself.
      if (this.holdsSlot) this.abandon('wall');
      else {
        // Whatever the hook left waiting in the context goes with it.
        this.discardIsolate = true;
        this.end(this.limitError('wall'));
      }
    }, this.wallTimeoutMs);
    void this.start();
    return done;
  }

  private async start(): Promise<void> {
    const { isolate } = this.pooled;
    const inspector = isolateInspector();
    if (inspector) {
      // Counted as an entry: the isolate stays ours while the inspector waits (for a debugger to attach).
      this.entries++;
      try {
        await inspector.beforeRun(isolate, this.hook);
      } finally {
        this.entries--;
      }
      if (this.finished) return this.releaseIsolate();
    }
    const key = `${this.hook.filename}\0${this.hook.code}`;
    // Time spent inside the isolate from here on counts against the CPU limit.
    this.wallAtStart = this.pooled.isolate.wallTime;
    let hook = this.deps.pool.cachedHook(this.pooled, key);
    if (!hook) {
      let script: ivm.Script;
      try {
        const wrapped = hookScriptSource(this.hook.code);
        const { filename, source } = inspector?.script(this.hook, wrapped) ?? { filename: this.hook.filename, source: wrapped };
        script = isolate.compileScriptSync(source, { filename, lineOffset: -1 });
      } catch (err) {
        this.end(compileError(err, this.hook.filename));
        return;
      }
      // The script's value is the hook function. Made in an entry like any other: a hook that closes the
      // wrapper early runs code here, once per isolate, under the same CPU limit and guard.
      let fn: ivm.Reference<HookFunction> | undefined;
      await this.enter(async (timeout) => {
        fn = (await script.run(this.pooled.context, { reference: true, timeout })) as ivm.Reference<HookFunction>;
      });
      if (this.finished || fn === undefined) return;
      hook = { script, fn };
      this.deps.pool.storeHook(this.pooled, key, hook);
    }
    let init: string;
    try {
      init = JSON.stringify(this.data);
    } catch (err) {
      // Request data that JSON cannot carry (BigInt, cycles): the caller's mistake, the isolate is fine.
      this.end({ statusCode: null, name: 'TypeError', message: `the request data cannot be copied into the sandbox: ${(err as Error).message}` });
      return;
    }
    this.pooled.handler = this.onHostCall;
    this.pooled.invocations++;
    this.started_ = true;
    // One entry starts the invocation: a fresh $ctx from `init`, then the hook function.
    const { entry } = this.pooled;
    await this.enter((timeout) => entry.apply(undefined, [ENTRY.start, this.id, init, hook.fn.derefInto()], { timeout }));
  }

  /** CPU budget left, in ms: time spent inside the isolate since the bootstrap counts. */
  private cpuLeftMs(): number {
    if (this.wallAtStart === null) return this.deps.limits.cpuTimeoutMs;
    try {
      return this.deps.limits.cpuTimeoutMs - Number(this.pooled.isolate.wallTime - this.wallAtStart) / 1e6;
    } catch {
      return 0; // disposed
    }
  }

  /**
   * Runs one entry into the isolate within the remaining CPU budget. A guard
   * timer disposes the isolate if the entry outlives that budget (see the file
   * comment); the isolate is handed back to the pool only once no entry runs.
   */
  private async enter(fn: (timeoutMs: number) => Promise<unknown>): Promise<void> {
    this.entries++;
    await takeEntrySlot();
    this.holdsSlot = true;
    let guard: NodeJS.Timeout | undefined;
    try {
      if (this.finished) return; // the wall-clock limit passed while waiting for the slot
      const remaining = this.cpuLeftMs();
      if (remaining <= 0) {
        this.end(this.entryError(new Error(TIMED_OUT)));
        return;
      }
      const timeout = Math.max(1, Math.ceil(remaining));
      guard = setTimeout(() => this.abandon('cpu'), timeout + ENTRY_GRACE_MS);
      await fn(timeout);
    } catch (err) {
      // After the result, anything escaping the isolate only says it is not fit for reuse.
      if (this.finished) this.discardIsolate = true;
      else this.end(this.entryError(err));
    } finally {
      clearTimeout(guard);
      this.giveSlot();
      this.entries--;
      if (this.finished) this.releaseIsolate();
      else this.pump();
    }
  }

  private giveSlot(): void {
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    giveEntrySlot();
  }

  private readonly onLost = (): void => this.abandon('memory');

  interrupt(): void {
    if (this.finished) return;
    this.scope.interrupted = true;
    this.discardIsolate = true;
    try {
      retireIsolate(this.pooled.isolate);
    } catch {
      // Already gone.
    }
    this.end(INTERRUPTED_ERROR);
    this.giveSlot();
    this.releaseIsolate();
  }

  /**
   * The isolate is stuck (an entry outlived its budget, or the wall-clock limit
   * passed inside it) or lost (isolated-vm's catastrophic error): dispose it,
   * end the invocation, and free its pool slot without waiting for the entry —
   * a lost isolate's entry never comes back.
   */
  private abandon(reason: 'cpu' | 'wall' | 'memory'): void {
    this.killed ??= reason;
    this.discardIsolate = true;
    try {
      retireIsolate(this.pooled.isolate);
    } catch {
      // Already gone.
    }
    this.end(this.limitError(this.pooled.lost !== null ? 'memory' : reason));
    // A lost isolate's entry never returns: free its slot and its pool place now.
    this.giveSlot();
    this.releaseIsolate();
  }

  private limitError(limit: 'cpu' | 'wall' | 'memory'): InvocationError {
    const { cpuTimeoutMs, memoryLimitMb } = this.deps.limits;
    switch (limit) {
      case 'cpu':
        return { statusCode: null, name: 'TimeoutError', message: `hook used more than its CPU time limit (sandbox.cpuTimeoutMs = ${cpuTimeoutMs} ms)`, limit };
      case 'wall':
        // Enfyra's ScriptTimeoutException: the handler's timeout, 408.
        return { statusCode: 408, name: 'ScriptTimeoutException', code: 'SCRIPT_TIMEOUT', message: `Script execution timed out after ${this.wallTimeoutMs}ms`, limit };
      case 'memory':
        return { statusCode: null, name: 'MemoryLimitError', message: `hook exceeded the memory limit (sandbox.memoryLimitMb = ${memoryLimitMb} MB)`, limit };
    }
  }

  private entryError(err: unknown): InvocationError {
    const message = err instanceof Error ? err.message : String(err);
    this.discardIsolate = true;
    if (this.pooled.lost !== null) return this.limitError('memory');
    if (this.killed !== null) return this.limitError(this.killed);
    // Terminated mid-script: the next invocation starts on a clean isolate.
    if (message === TIMED_OUT) return this.limitError('cpu');
    if (this.pooled.isolate.isDisposed || /memory limit/i.test(message)) return this.limitError('memory');
    // An exception that escaped the hook's promise chain (e.g. a promise rejected with no handler).
    return { statusCode: null, name: err instanceof Error ? err.name : 'Error', message };
  }

  // The one host function the isolate can reach (see protocol.ts).
  private readonly onHostCall = (kind: string, invocationId: number, a: unknown, b: unknown, c: unknown, d: unknown): string =>
    this.asyncScope.runInAsyncScope(this.hostCall, this, kind, invocationId, a, b, c, d);

  private hostCall(kind: string, invocationId: number, a: unknown, b: unknown, c: unknown, d: unknown): string {
    // A message from an earlier invocation on this isolate (left behind in the shared context) is dropped.
    if (this.finished || (invocationId !== this.id && kind !== MESSAGE.intrinsic)) return INVOCATION_ENDED;
    switch (kind) {
      case MESSAGE.syncCall:
        return this.callSync(a as string, b as string, c as string);
      case MESSAGE.asyncCall:
        this.callAsync(a as string, b as string, c as string, d as number);
        return '';
      case MESSAGE.log:
        return this.pushLog(a, b);
      case MESSAGE.intrinsic:
        try {
          return encodeReply(webIntrinsic(a as string, JSON.parse(b as string) as unknown[]));
        } catch (err) {
          return encodeErrorReply(err);
        }
      case MESSAGE.done:
        this.onDone(a);
        return '';
      case MESSAGE.callSite:
        this.placeCall(a, b);
        return '';
      default:
        return errorReply({ name: 'Error', message: 'unknown bridge call', statusCode: null });
    }
  }

  private lookup(op: string): HostMethod {
    const method = typeof op === 'string' ? this.deps.methods.get(op) : undefined;
    if (!method) throw new TypeError(`${String(op)} is not available`);
    return method;
  }

  private callSync(op: string, argsJson: string, specials: string): string {
    this.scope.callWarnings.delete(LAST_SYNC_CALL);
    let reply: string;
    try {
      reply = encodeReply(this.callMethod(LAST_SYNC_CALL, op, argsJson, specials));
    } catch (err) {
      reply = encodeErrorReply(err);
    }
    return this.askWhereIfWarned(LAST_SYNC_CALL, reply);
  }

  private callAsync(op: string, argsJson: string, specials: string, id: number): void {
    let result: unknown;
    try {
      result = this.callMethod(id, op, argsJson, specials);
    } catch (err) {
      queueMicrotask(() => this.settle(id, encodeErrorReply(err)));
      return;
    }
    Promise.resolve(result).then(
      (value) => this.settle(id, encodeReply(value)),
      (err) => this.settle(id, encodeErrorReply(err)),
    );
  }

  /** Runs a host method as call `key`: the warnings it raises, before or after its awaits, are that call's. */
  private callMethod(key: number, op: string, argsJson: string, specials: string): unknown {
    const method = this.lookup(op);
    const args = decodeArgs(argsJson, specials);
    return this.scope.inCall(key, () => method.call(this.scope, args));
  }

  /** A call that raised warnings asks the isolate where it was made (MESSAGE.callSite answers). */
  private askWhereIfWarned(key: number, reply: string): string {
    return this.scope.callWarnings.has(key) ? REPLY.locate + reply : reply;
  }

  /** The isolate's answer: the stack of the call `key`, whose warnings then name the hook's line. */
  private placeCall(key: unknown, stack: unknown): void {
    if (typeof key !== 'number' || typeof stack !== 'string') return;
    const at = this.scriptPosition(stack);
    if (at) this.scope.placeCallWarnings(key, at.line, at.column ?? 1);
  }

  private settle(id: number, reply: string): void {
    if (this.finished) return;
    this.replies.push([id, this.askWhereIfWarned(id, reply)]);
    this.pump();
  }

  /** Delivers every host-call reply ready so far in one entry, once the isolate is free. */
  private pump(): void {
    if (this.finished || this.entries > 0 || !this.started_ || this.replies.length === 0) return;
    const batch = JSON.stringify(this.replies.splice(0));
    const { entry } = this.pooled;
    void this.enter((timeout) => entry.apply(undefined, [ENTRY.replies, this.id, batch], { timeout }));
  }

  private pushLog(line: unknown, entries: unknown): string {
    if (this.logs.length >= this.deps.limits.maxLogs) {
      this.droppedLogs++;
      return 'full';
    }
    try {
      const values = JSON.parse(entries as string) as unknown;
      if (Array.isArray(values)) {
        const room = this.deps.limits.maxLogs - this.logEntries.length;
        for (let i = 0; i < values.length && i < room; i++) this.logEntries.push(values[i]);
      }
    } catch {
      // Not JSON: the isolate's bridge was broken by the script; the display line still counts.
    }
    let text = typeof line === 'string' ? line : String(line);
    const max = this.deps.limits.maxLogLineChars;
    // The isolate cuts long lines too; this holds even if the script broke that. Copy the cut
    // part, so the kept line does not pin the whole original string in memory.
    if (text.length > max) text = Buffer.from(text.slice(0, max), 'utf16le').toString('utf16le') + '… (cut)';
    this.logs.push(text);
    return this.logs.length >= this.deps.limits.maxLogs ? 'full' : 'ok';
  }

  private onDone(payload: unknown): void {
    let out: OutcomeMessage;
    let changed: ChangedFields;
    let data: unknown = null;
    let details: unknown;
    try {
      out = JSON.parse(payload as string) as OutcomeMessage;
      if (out === null || typeof out !== 'object') throw new TypeError('not an object');
      changed = {};
      for (const [field, json] of Object.entries(out.changed ?? {})) {
        if (isReturnedField(field) && typeof json === 'string') changed[field] = JSON.parse(json);
      }
      if (out.ok === true && typeof out.data === 'string') data = JSON.parse(out.data);
      if (out.ok !== true && typeof out.error?.details === 'string') details = JSON.parse(out.error.details);
    } catch {
      this.end({ statusCode: null, name: 'Error', message: 'the sandbox returned an unreadable result' });
      return;
    }
    if (Number.isInteger(out.dropped) && out.dropped > 0) this.droppedLogs += out.dropped;
    if (out.ok === true) {
      if (typeof out.dataProblem === 'string') {
        this.warn(`the hook returned a value JSON cannot represent (${out.dataProblem}); data is null`);
      }
      this.returned = typeof out.data === 'string' || typeof out.dataProblem === 'string';
      this.end(null, data, changed);
      return;
    }
    const e: Partial<OutcomeError> = out.error ?? {};
    const status = e.statusCode;
    const error: InvocationError = {
      // Only an HTTP error status counts; anything else is a plain error.
      statusCode: Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599 ? (status as number) : null,
      name: typeof e.name === 'string' && e.name ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : '',
    };
    if (details !== undefined && details !== null) error.details = details;
    if (typeof e.code === 'string' && e.code) error.code = e.code;
    if (e.thrownNonError === true) error.message = `hook threw a non-Error value: ${error.message}`;
    if (typeof e.stack === 'string') Object.assign(error, this.locate(e.stack));
    this.end(error, null, changed);
  }

  /** The innermost frame of the hook's own code in a stack, in the script as written. */
  private locate(stack: string): Pick<InvocationError, 'position' | 'codeFrame'> {
    const position = this.scriptPosition(stack);
    if (!position) return {};
    const frame = codeFrame(this.hook.source ?? this.hook.code, position.line, position.column);
    return frame ? { position: { line: position.line, column: position.column }, codeFrame: frame } : { position: { line: position.line, column: position.column } };
  }

  /** The innermost frame of the hook's own code in a stack, in the script as written (TypeScript mapped back). */
  private scriptPosition(stack: string): SourcePosition | null {
    const at = hookFrame(stack, this.hook.filename);
    if (!at) return null;
    return this.hook.originalPosition ? this.hook.originalPosition(at.line, at.column) : at;
  }

  private warn(message: string): void {
    this.logs.push(`${RUNTIME_LOG_PREFIX} warning: ${message}`);
  }

  private end(error: InvocationError | null, data: unknown = null, changed: ChangedFields = {}): void {
    if (this.finished) return;
    this.finished = true;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    if (this.entries === 0) this.releaseIsolate();
    void this.finish(error, data, changed);
  }

  /** Hand the isolate back (or discard it); waits until no entry runs in it. */
  private releaseIsolate(): void {
    if (this.released) return;
    this.released = true;
    if (this.pooled.onLost === this.onLost) this.pooled.onLost = null;
    this.deps.pool.release(this.pooled, this.discardIsolate, this.cpuLeftMs() < this.deps.limits.cpuTimeoutMs - HEAVY_CPU_MS);
    this.markReleased();
  }

  private async finish(error: InvocationError | null, data: unknown, changed: ChangedFields): Promise<void> {
    for (const onEnd of this.deps.endHooks) {
      try {
        await this.asyncScope.runInAsyncScope(onEnd, undefined, this.scope);
      } catch (err) {
        this.warn(`clean-up failed: ${(err as Error).message}`);
      }
    }
    this.scope.end();
    if (this.droppedLogs > 0) {
      this.warn(`${this.droppedLogs} log line(s) dropped (sandbox.maxLogs = ${this.deps.limits.maxLogs})`);
    }
    // An entry still running after the hook answered (background work) ends within its
    // CPU budget plus the guard's grace; the isolate is free by the time the caller hears back.
    await this.releasedSignal;
    this.resolve({
      ok: error === null,
      data: error ? null : data,
      returned: error === null && this.returned,
      error,
      logs: this.logs,
      logEntries: this.logEntries,
      warnings: this.scope.warnings,
      effects: this.scope.effects,
      changed,
      durationMs: performance.now() - this.started,
    });
  }
}

/** ContextData under the `$ctx` names host modules know them by. */
function contextMembers(data: ContextData): Record<string, unknown> {
  return {
    $params: data.params,
    $query: data.query,
    $body: data.body,
    $user: data.user,
    $req: data.req,
    $share: data.share,
    $data: data.data,
    $statusCode: data.statusCode,
    $api: data.api,
    $env: data.env,
    ...data.extra,
  };
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

function compileError(err: unknown, filename: string): InvocationError {
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : 'SyntaxError';
  // isolated-vm appends "[file:line:col]"; say it the way editors link it.
  const where = /\[([^\]]+):(\d+):(\d+)\]\s*$/.exec(message);
  const text = where ? `${message.slice(0, where.index).trim()} (${where[1]}:${where[2]}:${where[3]})` : `${message} (${filename})`;
  return { statusCode: null, name, message: text };
}

/** `file:line:column` of the first stack frame in `filename` (V8 prints `at fn (file:L:C)` or `at file:L:C`). */
export function hookFrame(stack: string, filename: string): SourcePosition | null {
  for (const line of stack.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('at ')) continue;
    const inner = trimmed.endsWith(')') ? trimmed.slice(trimmed.lastIndexOf('(') + 1, -1) : trimmed.slice(3);
    const m = /:(\d+):(\d+)$/.exec(inner);
    if (!m || inner.slice(0, m.index) !== filename) continue;
    return { line: Number(m[1]), column: Number(m[2]) };
  }
  return null;
}
