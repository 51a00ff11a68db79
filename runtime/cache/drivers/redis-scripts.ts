/**
 * Lua for the operations that need several commands to be one atomic step.
 * Each touches only KEYS[1], so every script is Cluster-safe. Registered with
 * defineCommand: EVALSHA, falling back to EVAL once per connection.
 */
import type { RedisClient } from './redis-client.ts';

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const INCR_WITH_TTL = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if created then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n`;

// Server time, so every process sharing the window agrees on it.
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  count = count + 1
  allowed = 1
end
local oldestExpiresAt = now
if count > 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  oldestExpiresAt = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) + window
end
return {allowed, count, oldestExpiresAt, now}`;

export interface CacheScripts {
  cacheRelease(key: string, value: string): Promise<number>;
  cacheIncrWithTtl(key: string, by: number, ttlMs: number): Promise<number>;
  cacheSlidingWindow(key: string, limit: number, windowMs: number, member: string): Promise<[number, number, number, number]>;
}

export function defineCacheScripts<C extends RedisClient>(client: C): C & CacheScripts {
  client.defineCommand('cacheRelease', { numberOfKeys: 1, lua: RELEASE });
  client.defineCommand('cacheIncrWithTtl', { numberOfKeys: 1, lua: INCR_WITH_TTL });
  client.defineCommand('cacheSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  return client as C & CacheScripts;
}
