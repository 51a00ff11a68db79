import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../runtime/config/load.ts';
import { cacheSchema, redisSchema } from '../../runtime/config/schema.ts';
import { cacheModuleSettings } from '../../runtime/cache/cache-module.ts';
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

  it("defaults to Enfyra's: 30 min lifecycle TTL, no per-value limit, a 30 MB namespace", () => {
    const cache = cacheSchema.parse({});
    expect(cache).toMatchObject({ lifecycleTtlMs: 1_800_000, maxValueBytes: 0, limitMb: 30 });
    expect(cacheModuleSettings(cache)).toMatchObject({ lifecycleTtlMs: 1_800_000, maxValueBytes: 0, limitBytes: 30 * 1024 * 1024 });
  });

  it("refuses a lifecycle TTL under Enfyra's minimum of 5 minutes, and an empty namespace", () => {
    expect(cacheSchema.safeParse({ lifecycleTtlMs: 299_999 }).success).toBe(false);
    expect(cacheSchema.safeParse({ lifecycleTtlMs: 300_000 }).success).toBe(true);
    expect(cacheSchema.safeParse({ namespace: '' }).success).toBe(false);
    expect(cacheSchema.safeParse({ limitMb: -1 }).success).toBe(false);
    expect(cacheSchema.safeParse({ maxValueBytes: 1.5 }).success).toBe(false);
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

describe("Enfyra's environment variables", () => {
  const withEnv = (env: NodeJS.ProcessEnv) => resolveConfig({}, { root: '/tmp', file: null, env });

  it('REDIS_NAMESPACE_KEY_TTL_MS sets the lifecycle TTL, raised to 5 minutes as Enfyra does outside NODE_ENV=test', () => {
    expect(withEnv({ REDIS_NAMESPACE_KEY_TTL_MS: '600000' }).cache.lifecycleTtlMs).toBe(600_000);
    expect(withEnv({ REDIS_NAMESPACE_KEY_TTL_MS: '1000' }).cache.lifecycleTtlMs).toBe(300_000);
    expect(withEnv({ REDIS_NAMESPACE_KEY_TTL_MS: '1000', NODE_ENV: 'test' }).cache.lifecycleTtlMs).toBe(1000);
  });

  it('REDIS_USER_CACHE_MAX_VALUE_BYTES and REDIS_USER_CACHE_LIMIT_MB set the limits', () => {
    const { cache } = withEnv({ REDIS_USER_CACHE_MAX_VALUE_BYTES: '2048', REDIS_USER_CACHE_LIMIT_MB: '0.5' });
    expect(cache).toMatchObject({ maxValueBytes: 2048, limitMb: 0.5 });
  });

  it.each([
    ['REDIS_NAMESPACE_KEY_TTL_MS', 'soon'],
    ['REDIS_NAMESPACE_KEY_TTL_MS', '0'],
    ['REDIS_NAMESPACE_KEY_TTL_MS', '1.5'],
    ['REDIS_USER_CACHE_MAX_VALUE_BYTES', '-1'],
    ['REDIS_USER_CACHE_LIMIT_MB', 'lots'],
  ])('%s=%s is a configuration error naming it', (name, value) => {
    expect(() => withEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => withEnv({ [name]: value })).toThrow(`${name}="${value}"`);
  });

  it('SECRET_KEY is the $jwt secret, as in Enfyra', () => {
    expect(withEnv({ SECRET_KEY: 'from-env' }).helpers.jwtSecret).toBe('from-env');
    expect(resolveConfig({ helpers: { jwtSecret: 'from-config' } }, { root: '/tmp', file: null, env: {} }).helpers.jwtSecret).toBe('from-config');
  });
});
