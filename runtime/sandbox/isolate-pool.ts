/**
 * Isolates are expensive to create and cheap to reuse: the pool keeps up to
 * `maxIsolates`, each running one invocation at a time (so the memory limit
 * is per invocation). An isolate that hit a limit is disposed, never reused.
 *
 * Each isolate has one context, made once: SES's lockdown freezes its
 * intrinsics, the bootstrap freezes its globals, and every invocation on the
 * isolate runs in it with a fresh `$ctx` (see isolate/main.ts). Nothing a
 * script can change there outlives its invocation; an invocation that ends
 * abnormally (a limit, an entry still running after the answer) takes the
 * isolate and its context with it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ivm from 'isolated-vm';
import { isolateInspector, retireIsolate } from './inspector-hook.ts';
import { INVOCATION_ENDED } from './host-codec.ts';
import type { HookFunction, IsolateEntry } from './protocol.ts';

/** Host side of the isolate's messages: `(kind, invocationId, ...args)` (see protocol.ts). */
export type IsolateMessageHandler = (kind: string, invocationId: number, a: unknown, b: unknown, c: unknown, d: unknown) => string;

export interface CompiledHookFn {
  readonly script: ivm.Script;
  /** The hook function in the isolate's context (made once, called per invocation). */
  readonly fn: ivm.Reference<HookFunction>;
}

export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  /** The isolate's entry function. */
  readonly entry: ivm.Reference<IsolateEntry>;
  /** Compiled hook functions by cache key (filename + source). */
  readonly hooks: Map<string, CompiledHookFn>;
  /** The invocation running in the isolate now: its messages go here; null between invocations. */
  handler: IsolateMessageHandler | null;
  /** Invocations started on this isolate (it is replaced after sandbox.invocationsPerIsolate). */
  invocations: number;
  /**
   * Set when isolated-vm reports a catastrophic error for this isolate (V8 ran
   * out of memory on one huge allocation, before the memory limit could stop
   * it). The isolate's thread is parked for good; it is never used again.
   */
  lost: string | null;
  /** Told about such an error: set by the invocation holding the isolate. */
  onLost: ((message: string) => void) | null;
}

const MAX_CACHED_HOOKS_PER_ISOLATE = 256;

/** SES's lockdown shim (a maintained library, see the issue on context reuse), read once per process. */
let sesSource: string | undefined;
function lockdownSource(): string {
  sesSource ??= readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('ses/package.json')), 'dist', 'lockdown.umd.min.js'), 'utf8');
  return sesSource;
}
/** V8's code cache of the shim, made by the first isolate, so later isolates skip most of the parse. */
let sesCache: ivm.ExternalCopy<ArrayBuffer> | undefined;

/**
 * An isolate still holding more than this share of its memory limit after an
 * invocation is replaced rather than pooled: an idle isolate never collects its
 * garbage, so one 100 MB result would otherwise stay resident indefinitely.
 */
const RECYCLE_HEAP_SHARE = 0.5;
const HEAP_CHECK_EVERY = 16;

export interface PoolOptions {
  maxIsolates: number;
  memoryLimitMb: number;
  bootstrapSource: string;
  /** Replace an isolate after this many invocations (0: never). */
  invocationsPerIsolate?: number;
}

export class IsolatePool {
  private readonly idle: PooledIsolate[] = [];
  private readonly waiters: Array<(p: PooledIsolate) => void> = [];
  private live = 0;
  private lostCount = 0;
  private closed = false;

  private readonly options: PoolOptions;

  constructor(options: PoolOptions) {
    this.options = options;
  }

  acquire(): Promise<PooledIsolate> {
    if (this.closed) return Promise.reject(new Error('the runtime is closed'));
    let ready = this.idle.pop();
    while (ready && (ready.isolate.isDisposed || ready.lost !== null)) {
      // Disposed while idle (e.g. by isolated-vm after a memory-limit hit): replace, never hand out.
      this.live--;
      ready = this.idle.pop();
    }
    if (ready) return Promise.resolve(ready);
    if (this.live < this.options.maxIsolates) {
      this.live++;
      try {
        return Promise.resolve(this.create());
      } catch (err) {
        this.live--;
        return Promise.reject(err);
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Hand an isolate back; `discard` (or a disposed isolate) replaces it with a fresh one lazily.
   * `heavy`: the invocation spent long enough inside to have grown the heap (see bloated).
   */
  release(pooled: PooledIsolate, discard = false, heavy = true): void {
    pooled.handler = null;
    const worn = (this.options.invocationsPerIsolate ?? 0) > 0 && pooled.invocations >= this.options.invocationsPerIsolate!;
    if (discard || worn || pooled.isolate.isDisposed || pooled.lost !== null || this.closed || this.bloated(pooled, heavy)) {
      retireIsolate(pooled.isolate);
      this.live--;
      if (!this.closed && this.waiters.length > 0) {
        // Create first: if that fails, the slot stays free for the next acquire instead of leaking.
        const fresh = this.create();
        this.live++;
        this.waiters.shift()!(fresh);
      }
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(pooled);
    else this.idle.push(pooled);
  }

  /**
   * Reading the heap statistics costs as much as a small invocation: look after an invocation that
   * spent a while in the isolate (`heavy`: it may have left a large heap), else every few invocations.
   */
  private bloated(pooled: PooledIsolate, heavy: boolean): boolean {
    if (!heavy && pooled.invocations % HEAP_CHECK_EVERY !== 0) return false;
    try {
      const heap = pooled.isolate.getHeapStatisticsSync();
      return heap.used_heap_size + heap.externally_allocated_size > this.options.memoryLimitMb * 1024 * 1024 * RECYCLE_HEAP_SHARE;
    } catch {
      return true;
    }
  }

  /** The hook function for `key` made earlier in this isolate's context, if any. */
  cachedHook(pooled: PooledIsolate, key: string): CompiledHookFn | undefined {
    return pooled.hooks.get(key);
  }

  /** Keeps a hook function made in this isolate's context (a bounded number per isolate). */
  storeHook(pooled: PooledIsolate, key: string, hook: CompiledHookFn): void {
    if (pooled.hooks.size >= MAX_CACHED_HOOKS_PER_ISOLATE) {
      const oldest = pooled.hooks.keys().next().value as string;
      const old = pooled.hooks.get(oldest);
      old?.fn.release();
      old?.script.release();
      pooled.hooks.delete(oldest);
    }
    pooled.hooks.set(key, hook);
  }

  get size(): { live: number; idle: number } {
    return { live: this.live, idle: this.idle.length };
  }

  /** Read-only: heap statistics of the idle isolates (busy ones are not touched), for diagnostics. */
  idleHeapStatistics(): {
    isolates: number;
    usedHeapBytes: number;
    totalHeapBytes: number;
    externalBytes: number;
    /** Isolates lost to a catastrophic error so far (each keeps its memory and a parked thread). */
    lostIsolates: number;
  } {
    const sum = { isolates: 0, usedHeapBytes: 0, totalHeapBytes: 0, externalBytes: 0, lostIsolates: this.lostCount };
    for (const { isolate } of this.idle) {
      if (isolate.isDisposed) continue;
      const h = isolate.getHeapStatisticsSync();
      sum.isolates++;
      sum.usedHeapBytes += h.used_heap_size;
      sum.totalHeapBytes += h.total_heap_size;
      sum.externalBytes += h.externally_allocated_size;
    }
    return sum;
  }

  close(): void {
    this.closed = true;
    for (const pooled of this.idle.splice(0)) {
      retireIsolate(pooled.isolate);
      this.live--;
    }
  }

  private create(): PooledIsolate {
    let pooled: PooledIsolate | undefined;
    const inspector = isolateInspector();
    const isolate = new ivm.Isolate({
      memoryLimit: this.options.memoryLimitMb,
      inspector: inspector !== null,
      // Without a handler isolated-vm aborts the whole process. Hooks run on isolated-vm's
      // threads (see invocation.ts), so only this isolate's thread is parked.
      onCatastrophicError: (message: string) => {
        if (!pooled || pooled.lost !== null) return;
        pooled.lost = message;
        this.lostCount++;
        pooled.onLost?.(message);
      },
    });
    try {
      inspector?.attach(isolate);
      const context = isolate.createContextSync({ inspector: inspector !== null });
      const global = context.global;
      const dispatch = (kind: string, id: number, a: unknown, b: unknown, c: unknown, d: unknown): string =>
        pooled?.handler ? pooled.handler(kind, id, a, b, c, d) : INVOCATION_ENDED;
      global.setSync('__enfyraHost', new ivm.Callback(dispatch));
      // Fire-and-forget twin for messages that need no reply: from an entry on the thread pool, a waiting
      // callback costs a blocking round trip to this thread per host call.
      global.setSync('__enfyraPost', new ivm.Callback(dispatch, { ignored: true }));
      const ses = isolate.compileScriptSync(lockdownSource(), {
        filename: 'enfyra-run:ses',
        ...(sesCache ? { cachedData: sesCache } : { produceCachedData: true }),
      });
      const produced = (ses as ivm.Script & ivm.CachedDataResult).cachedData;
      if (!sesCache && produced) sesCache = produced;
      ses.runSync(context);
      ses.release();
      const bootstrap = isolate.compileScriptSync(this.options.bootstrapSource, { filename: 'enfyra-run:bootstrap' });
      const entry = bootstrap.runSync(context, { reference: true }) as ivm.Reference<IsolateEntry>;
      bootstrap.release();
      pooled = { isolate, context, entry, hooks: new Map(), handler: null, invocations: 0, lost: null, onLost: null };
      return pooled;
    } catch (err) {
      retireIsolate(isolate);
      throw err;
    }
  }
}
