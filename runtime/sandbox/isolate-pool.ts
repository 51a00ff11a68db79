/**
 * Isolates are expensive to create and cheap to reuse: the pool keeps up to
 * `maxIsolates`, each running one invocation at a time (so the memory limit
 * is per invocation). An isolate that hit a limit is disposed, never reused.
 */
import ivm from 'isolated-vm';
import { isolateInspector, retireIsolate } from './inspector-hook.ts';

export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  /** Compiled bootstrap, shared by every context of this isolate. */
  readonly bootstrap: ivm.Script;
  /** Compiled hook scripts by cache key (filename + source). */
  readonly hooks: Map<string, ivm.Script>;
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

/**
 * An isolate still holding more than this share of its memory limit after an
 * invocation is replaced rather than pooled: an idle isolate never collects its
 * garbage, so one 100 MB result would otherwise stay resident indefinitely.
 */
const RECYCLE_HEAP_SHARE = 0.5;

export class IsolatePool {
  private readonly idle: PooledIsolate[] = [];
  private readonly waiters: Array<(p: PooledIsolate) => void> = [];
  private live = 0;
  private lostCount = 0;
  private closed = false;

  private readonly options: { maxIsolates: number; memoryLimitMb: number; bootstrapSource: string };

  constructor(
    options: { maxIsolates: number; memoryLimitMb: number; bootstrapSource: string },
  ) {
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

  /** Hand an isolate back; `discard` (or a disposed isolate) replaces it with a fresh one lazily. */
  release(pooled: PooledIsolate, discard = false): void {
    if (discard || pooled.isolate.isDisposed || pooled.lost !== null || this.closed || this.bloated(pooled)) {
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

  private bloated(pooled: PooledIsolate): boolean {
    try {
      const heap = pooled.isolate.getHeapStatisticsSync();
      return heap.used_heap_size + heap.externally_allocated_size > this.options.memoryLimitMb * 1024 * 1024 * RECYCLE_HEAP_SHARE;
    } catch {
      return true;
    }
  }

  compiledHook(pooled: PooledIsolate, key: string, compile: () => ivm.Script): ivm.Script {
    let script = pooled.hooks.get(key);
    if (!script) {
      script = compile();
      if (pooled.hooks.size >= MAX_CACHED_HOOKS_PER_ISOLATE) {
        const oldest = pooled.hooks.keys().next().value as string;
        pooled.hooks.get(oldest)?.release();
        pooled.hooks.delete(oldest);
      }
      pooled.hooks.set(key, script);
    }
    return script;
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
    inspector?.attach(isolate);
    const bootstrap = isolate.compileScriptSync(this.options.bootstrapSource, { filename: 'enfyra-run:bootstrap' });
    pooled = { isolate, bootstrap, hooks: new Map(), lost: null, onLost: null };
    return pooled;
  }
}
