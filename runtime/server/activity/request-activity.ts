/**
 * What one request did to the cache and the tables: the keys and rows it
 * touched, as they were before it touched them and as it left them. The dev
 * server's inspector shows it; recording turns it into a fixture's starting
 * state and expectations.
 *
 * Requests are told apart by AsyncLocalStorage: the pipeline runs each request
 * inside `activityStore.run(activity, ...)`, and host calls from the sandbox
 * run back in the async context of the invocation that made them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Row } from '../../repos/repository.ts';

export interface CacheState {
  value: unknown;
  /** Milliseconds left, or null for no expiry. */
  ttlMs: number | null;
}

export interface CacheTouch {
  /** The logical key, as scripts write it. */
  readonly key: string;
  /** As it was before the request touched it; null when absent. */
  readonly before: CacheState | null;
  written: boolean;
  /** As the request left it (null: absent); set once the request has ended, for written keys. */
  after?: CacheState | null;
}

export interface RowTouch {
  readonly table: string;
  /** Primary key as text. */
  readonly id: string;
  /** The row before the request touched it; null when it did not exist (created by the request). */
  readonly before: Row | null;
  readonly created: boolean;
  written: boolean;
  /** The row as the request left it (null: deleted); set once the request has ended, for written rows. */
  after?: Row | null;
}

export class RequestActivity {
  /** Record the full rows a request reads (a fixture's starting state); otherwise only writes are tracked. */
  readonly trackReads: boolean;
  readonly cache = new Map<string, CacheTouch>();
  readonly rows = new Map<string, RowTouch>();
  /** Touches still being captured; settled before the request's activity is read. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(options: { trackReads?: boolean } = {}) {
    this.trackReads = options.trackReads ?? false;
  }

  rowKey(table: string, id: string): string {
    return `${table}\u0000${id}`;
  }

  /** Runs `capture` once per key (the first touch wins), keeping the promise so `settled()` can wait for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  get cacheChanges(): CacheTouch[] {
    return [...this.cache.values()].filter((t) => t.written);
  }

  get rowChanges(): RowTouch[] {
    return [...this.rows.values()].filter((t) => t.written);
  }
}

export const activityStore = new AsyncLocalStorage<RequestActivity>();
