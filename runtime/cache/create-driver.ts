import type { CacheConfig } from '../config/schema.js';
import type { CacheDriver } from './driver.js';
import type { Clock } from './clock.js';
import { MemoryCacheDriver } from './drivers/memory.js';
import { SqliteCacheDriver } from './drivers/sqlite.js';
import { RedisCacheDriver } from './drivers/redis.js';

export interface CreateDriverOptions {
  /** Time source for the memory and sqlite drivers. Redis keeps time on the server and ignores it. */
  clock?: Clock;
}

/** The driver `config.driver` names. None connects or opens a file until its first call. */
export function createCacheDriver(config: CacheConfig, options: CreateDriverOptions = {}): CacheDriver {
  switch (config.driver) {
    case 'memory':
      return new MemoryCacheDriver({ clock: options.clock });
    case 'sqlite':
      return new SqliteCacheDriver({ path: config.sqlitePath, clock: options.clock });
    case 'redis':
      return new RedisCacheDriver(config.redis);
  }
}
