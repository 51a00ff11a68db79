/**
 * What the `cache.redis` config means, without loading ioredis: the mode, and
 * the Redis URL (REDIS_URL or cache.redis.url), checked when the driver is
 * created so a bad one is a configuration error at start (exit 2), not a 503
 * at the first cache call. ioredis itself takes anything: `http://x` becomes
 * a Unix socket path "//x", and a database it cannot select is ignored.
 */
import { ConfigError } from '../../config/load.ts';
import type { RedisConfig } from '../../config/schema.ts';

export type RedisMode = 'single' | 'sentinel' | 'cluster';

/** First match wins: cluster, then sentinels, then the URL (or the default localhost). */
export function redisMode(config: RedisConfig): RedisMode {
  return config.cluster ? 'cluster' : config.sentinels ? 'sentinel' : 'single';
}

/** The database a single-node config selects (0 without a URL); throws ConfigError for a URL ioredis would misread. */
export function checkRedisConfig(config: RedisConfig): number {
  if (redisMode(config) !== 'single' || config.url === undefined) return 0;
  return checkRedisUrl(config.url).db;
}

export interface RedisUrlInfo {
  /** The database the URL names (path `/N` or `?db=N`); 0 when none. */
  db: number;
  /** The URL with any password hidden, for messages. */
  display: string;
}

const DB_INDEX = /^(0|[1-9][0-9]{0,8})$/;

export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export function checkRedisUrl(url: string): RedisUrlInfo {
  const display = redactRedisUrl(url);
  const usage = 'use redis://[user:password@]host[:port][/db] or rediss://... for TLS';
  let parsed: URL;
  try {
    // ioredis reads `host:port` without a scheme as redis://host:port.
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `redis://${url}`);
  } catch {
    throw new ConfigError(`Redis URL "${display}" (REDIS_URL or cache.redis.url) is not a URL: ${usage}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(
      `Redis URL "${display}" (REDIS_URL or cache.redis.url) has the scheme "${parsed.protocol.replace(/:$/, '')}": ${usage}`,
    );
  }
  if (!parsed.hostname) {
    throw new ConfigError(`Redis URL "${display}" (REDIS_URL or cache.redis.url) names no host: ${usage}`);
  }
  const fromPath = parsed.pathname === '' || parsed.pathname === '/' ? null : parsed.pathname.slice(1);
  const fromQuery = parsed.searchParams.get('db');
  const dbText = fromPath ?? fromQuery;
  if (dbText !== null && !DB_INDEX.test(dbText)) {
    throw new ConfigError(
      `Redis URL "${display}" (REDIS_URL or cache.redis.url): "${dbText}" is not a database index (a whole number such as /0 or /3)`,
    );
  }
  return { db: dbText === null ? 0 : Number(dbText), display };
}
