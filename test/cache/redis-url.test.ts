/**
 * The Redis URL (REDIS_URL or cache.redis.url): a URL ioredis would misread is a
 * configuration error at start (issue 18, defect 10), and the database it
 * names is really used, or refused clearly (defect 4) — never database 0 instead.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../runtime/config/load.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { CacheUnavailableError } from '../../runtime/cache/driver.ts';
import { checkRedisUrl } from '../../runtime/cache/drivers/redis-config.ts';
import { runCli, scratchProject } from '../support/cli.ts';
import { redisForTests, uniqueNamespace } from '../support/redis.ts';

const redisDriver = (url: string, extra: Record<string, unknown> = {}) =>
  createCacheDriver(cacheSchema.parse({ driver: 'redis', redis: { url, ...extra } }));

describe('Redis URL: checked when the driver is created', () => {
  it.each([
    ['http://x', 'has the scheme "http"'],
    ['https://cache.example.com', 'has the scheme "https"'],
    ['not a url', 'is not a URL'],
    ['redis://127.0.0.1:6379/abc', '"abc" is not a database index'],
    ['redis://127.0.0.1:6379/1/2', '"1/2" is not a database index'],
    ['redis://127.0.0.1:6379/-1', '"-1" is not a database index'],
    ['redis://127.0.0.1:6379?db=x', '"x" is not a database index'],
    ['redis:///0', 'names no host'],
  ])('%s is a ConfigError (%s)', (url, fragment) => {
    expect(() => redisDriver(url)).toThrow(ConfigError);
    expect(() => redisDriver(url)).toThrow(fragment);
  });

  it('hides the password in the message', () => {
    expect(() => redisDriver('http://user:s3cret@host')).toThrow('"http://***@host"');
    expect(() => redisDriver('http://user:s3cret@host')).not.toThrow(/s3cret/);
  });

  it.each([
    ['redis://127.0.0.1', 0],
    ['redis://127.0.0.1:6379/', 0],
    ['redis://:pw@127.0.0.1:6379/3', 3],
    ['rediss://cache.example.com:6380/15', 15],
    ['redis://127.0.0.1:6379?db=2', 2],
    ['127.0.0.1:6379/4', 4],
  ])('%s is accepted, database %i', (url, db) => {
    expect(checkRedisUrl(url).db).toBe(db);
    expect(() => redisDriver(url)).not.toThrow();
  });

  it('only the single-node mode reads the URL', () => {
    const nodes = [{ host: '127.0.0.1', port: 7000 }];
    expect(() => redisDriver('http://x', { cluster: nodes })).not.toThrow();
    expect(() => redisDriver('http://x', { sentinels: nodes, name: 'm' })).not.toThrow();
  });

  it('the CLI says so in one line and exits 2, before running the hook', async () => {
    const r = await runCli(['hooks/hello.js', '--params', 'id=1'], { cwd: scratchProject(), env: { REDIS_URL: 'http://x' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Redis URL "http://x" (REDIS_URL or cache.redis.url) has the scheme "http"');
    expect(r.stdout).toBe('');
  }, 60_000);
});

const redis = await redisForTests('Redis URL database tests');

describe.skipIf(!redis)('Redis URL: the database it names', () => {
  const base = redis ? redis.url.replace(/\/\d*$/, '') : '';
  const key = `${uniqueNamespace('enfyra-url-db')}:k`;
  const raw = (db: number) => new Redis(`${base}/${db}`);

  afterAll(async () => {
    for (const db of [0, 3]) {
      const client = raw(db);
      await client.del(key);
      client.disconnect();
    }
    await redis?.close();
  });

  it('a database the server has is used: keys land there, not in 0', async () => {
    const driver = redisDriver(`${base}/3`);
    const [db0, db3] = [raw(0), raw(3)];
    try {
      await driver.set(key, 'in-3', 60_000);
      expect(await db3.get(key)).toBe('in-3');
      expect(await db0.get(key)).toBeNull();
      expect(await driver.get(key)).toBe('in-3');
    } finally {
      db0.disconnect();
      db3.disconnect();
      await driver.close();
    }
  });

  it('a database the server does not have fails every call clearly, and nothing lands in database 0', async () => {
    const driver = redisDriver(`${base}/99`);
    const db0 = raw(0);
    try {
      const results = await Promise.allSettled([driver.set(key, 'lost', 60_000), driver.get(key), driver.acquire(key, 'x', 1000)]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const err = (result as PromiseRejectedResult).reason as Error;
        expect(err).toBeInstanceOf(CacheUnavailableError);
        expect(err.message).toMatch(/the server refused database 99 of redis:\/\/.*\/99 \(ERR DB index is out of range\)/);
      }
      await expect(driver.set(key, 'lost', 60_000)).rejects.toThrow('refused database 99');
      expect(await db0.get(key)).toBeNull();
    } finally {
      db0.disconnect();
      await driver.close();
    }
  });
});
