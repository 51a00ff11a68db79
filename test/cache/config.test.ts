import { describe, expect, it } from 'vitest';
import { cacheSchema, redisSchema } from '../../runtime/config/schema.ts';
import { redisMode } from '../../runtime/cache/drivers/redis-client.ts';

describe('cache config', () => {
  it('defaults to the embedded sqlite driver with a 1 s Redis command bound', () => {
    const cache = cacheSchema.parse({});
    expect(cache).toMatchObject({
      driver: 'sqlite',
      namespace: 'enfyra',
      sqlitePath: '.enfyra/cache.sqlite',
      releaseLeakedLocks: false,
      redis: { commandTimeoutMs: 1000 },
    });
  });

  it('Sentinel mode needs the master name', () => {
    const result = redisSchema.safeParse({ sentinels: [{ host: 'a', port: 26379 }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toStrictEqual(['name']);
    expect(redisSchema.safeParse({ sentinels: [{ host: 'a', port: 26379 }], name: 'm', sentinelPassword: 's' }).success).toBe(true);
  });

  it('picks the mode: cluster, then sentinels, then url', () => {
    const node = [{ host: 'h', port: 1 }];
    expect(redisMode(redisSchema.parse({ url: 'redis://x', sentinels: node, name: 'm', cluster: node }))).toBe('cluster');
    expect(redisMode(redisSchema.parse({ url: 'redis://x', sentinels: node, name: 'm' }))).toBe('sentinel');
    expect(redisMode(redisSchema.parse({ url: 'redis://x' }))).toBe('single');
    expect(redisMode(redisSchema.parse({}))).toBe('single');
  });

  it('rejects unknown keys', () => {
    expect(redisSchema.safeParse({ commandTimeout: 5 }).success).toBe(false);
  });
});
