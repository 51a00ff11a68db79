import type { CacheConfig } from '../config/schema.ts';
import type { CacheDriver, SlidingWindowResult } from './driver.ts';
import type { Clock } from './clock.ts';
import { MemoryCacheDriver } from './drivers/memory.ts';
import { checkRedisConfig } from './drivers/redis-config.ts';

export interface CreateDriverOptions {
  /** Time source for the memory and sqlite drivers. Redis keeps time on the server and ignores it. */
  clock?: Clock;
}

/**
 * The driver `config.driver` names. None connects or opens a file until its
 * first call; a Redis URL ioredis would misread is a ConfigError here.
 *
 * The sqlite and redis drivers (better-sqlite3, ioredis) are also loaded on
 * their first call: ioredis alone is ~60 ms of module loading, which every
 * `enfyra-run` start-up would pay even for hooks that never touch `$cache`.
 */
export function createCacheDriver(config: CacheConfig, options: CreateDriverOptions = {}): CacheDriver {
  switch (config.driver) {
    case 'memory':
      return new MemoryCacheDriver({ clock: options.clock });
    case 'sqlite':
      return new LazyCacheDriver('sqlite', async () => {
        const { SqliteCacheDriver } = await import('./drivers/sqlite.ts');
        return new SqliteCacheDriver({ path: config.sqlitePath, clock: options.clock });
      });
    case 'redis':
      checkRedisConfig(config.redis);
      return new LazyCacheDriver('redis', async () => {
        const { RedisCacheDriver } = await import('./drivers/redis.ts');
        return new RedisCacheDriver(config.redis);
      });
  }
}

/** Loads and creates the real driver on the first call; afterwards every call goes straight to it. */
class LazyCacheDriver implements CacheDriver {
  private driver: CacheDriver | null = null;
  private loading: Promise<CacheDriver> | null = null;
  private closed = false;

  readonly kind: CacheDriver['kind'];
  private readonly load: () => Promise<CacheDriver>;

  constructor(
    kind: CacheDriver['kind'],
    load: () => Promise<CacheDriver>,
  ) {
    this.kind = kind;
    this.load = load;
  }

  private ready(): Promise<CacheDriver> {
    if (this.closed && !this.loading) return Promise.reject(new Error(`the ${this.kind} cache driver is closed`));
    return (this.loading ??= this.load().then((driver) => (this.driver = driver)));
  }

  get(key: string): Promise<string | null> {
    return this.driver ? this.driver.get(key) : this.ready().then((d) => d.get(key));
  }

  set(key: string, value: string, ttlMs: number | null): Promise<void> {
    return this.driver ? this.driver.set(key, value, ttlMs) : this.ready().then((d) => d.set(key, value, ttlMs));
  }

  delete(key: string): Promise<boolean> {
    return this.driver ? this.driver.delete(key) : this.ready().then((d) => d.delete(key));
  }

  acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.driver ? this.driver.acquire(key, value, ttlMs) : this.ready().then((d) => d.acquire(key, value, ttlMs));
  }

  release(key: string, value: string): Promise<boolean> {
    return this.driver ? this.driver.release(key, value) : this.ready().then((d) => d.release(key, value));
  }

  incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    return this.driver ? this.driver.incr(key, by, ttlMs) : this.ready().then((d) => d.incr(key, by, ttlMs));
  }

  slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult> {
    return this.driver
      ? this.driver.slidingWindow(key, limit, windowMs)
      : this.ready().then((d) => d.slidingWindow(key, limit, windowMs));
  }

  nextFencingToken(key: string): Promise<number> {
    return this.driver ? this.driver.nextFencingToken(key) : this.ready().then((d) => d.nextFencingToken(key));
  }

  ttl(key: string): Promise<number | null> {
    return this.driver ? this.driver.ttl(key) : this.ready().then((d) => d.ttl(key));
  }

  async close(): Promise<void> {
    this.closed = true;
    // Never used: nothing was loaded, opened or connected.
    if (!this.loading) return;
    const driver = await this.loading.catch(() => null);
    await driver?.close();
  }
}
