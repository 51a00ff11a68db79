/**
 * Isolates are expensive to create and cheap to reuse: the pool keeps up to
 * `maxIsolates`, each running one invocation at a time (so the memory limit
 * is per invocation). An isolate that hit a limit is disposed, never reused.
 */
import ivm from 'isolated-vm';

export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  /** Compiled bootstrap, shared by every context of this isolate. */
  readonly bootstrap: ivm.Script;
  /** Compiled hook scripts by cache key (filename + source). */
  readonly hooks: Map<string, ivm.Script>;
}

const MAX_CACHED_HOOKS_PER_ISOLATE = 256;

export class IsolatePool {
  private readonly idle: PooledIsolate[] = [];
  private readonly waiters: Array<(p: PooledIsolate) => void> = [];
  private live = 0;
  private closed = false;

  constructor(
    private readonly options: { maxIsolates: number; memoryLimitMb: number; bootstrapSource: string },
  ) {}

  acquire(): Promise<PooledIsolate> {
    if (this.closed) return Promise.reject(new Error('the runtime is closed'));
    const ready = this.idle.pop();
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
    if (discard || pooled.isolate.isDisposed || this.closed) {
      if (!pooled.isolate.isDisposed) pooled.isolate.dispose();
      this.live--;
      if (!this.closed && this.waiters.length > 0) {
        this.live++;
        this.waiters.shift()!(this.create());
      }
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(pooled);
    else this.idle.push(pooled);
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

  close(): void {
    this.closed = true;
    for (const pooled of this.idle.splice(0)) {
      if (!pooled.isolate.isDisposed) pooled.isolate.dispose();
      this.live--;
    }
  }

  private create(): PooledIsolate {
    const isolate = new ivm.Isolate({ memoryLimit: this.options.memoryLimitMb });
    const bootstrap = isolate.compileScriptSync(this.options.bootstrapSource, { filename: 'enfyra-run:bootstrap' });
    return { isolate, bootstrap, hooks: new Map() };
  }
}
