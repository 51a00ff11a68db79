/**
 * Redis going away and coming back, on a private redis-server this test
 * starts (never the shared one): calls fail fast with a 503 and recover.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheModuleSettings, createCacheModule } from '../../runtime/cache/cache-module.ts';
import { CacheUnavailableError, type CacheDriver } from '../../runtime/cache/driver.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { canStartRedis, freePort, startRedisServer, type RedisServer } from '../support/redis.ts';

const COMMAND_TIMEOUT_MS = 1000;
const canStart = canStartRedis('Redis fault tests', ['redis-server']);

const driverFor = (url: string): CacheDriver =>
  createCacheDriver(cacheSchema.parse({ driver: 'redis', redis: { url, commandTimeoutMs: COMMAND_TIMEOUT_MS } }));

async function timed<T>(pending: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await pending.then(
    () => null,
    (err: unknown) => err,
  );
  return { ms: performance.now() - started, error };
}

function expectUnavailable(result: { ms: number; error: unknown }): void {
  expect(result.error).toBeInstanceOf(CacheUnavailableError);
  expect((result.error as CacheUnavailableError).statusCode).toBe(503);
  expect(result.ms).toBeLessThan(COMMAND_TIMEOUT_MS * 1.5);
}

describe.skipIf(!canStart)('redis driver: connection loss', () => {
  let server: RedisServer;
  let driver: CacheDriver;

  beforeAll(async () => {
    server = await startRedisServer();
    driver = driverFor(server.url);
  });
  afterAll(async () => {
    await driver?.close();
    await server?.stop();
  });

  it('fails within the command timeout with a 503 while Redis is down, and works again once it is back', async () => {
    const cache = createCacheModule({ driver, ...cacheModuleSettings(cacheSchema.parse({ namespace: 'faults' })) });
    const scope = new Scope();
    await cache.methods.set!.call(scope, ['k', 'v', 60_000]);
    expect(await cache.methods.get!.call(scope, ['k'])).toBe('v');

    await server.stop({ kill: true });
    expectUnavailable(await timed(driver.get('faults:k')));
    expectUnavailable(await timed(Promise.resolve(cache.methods.get!.call(scope, ['k']))));
    expectUnavailable(await timed(Promise.resolve(cache.methods.acquire!.call(scope, ['lock', 'me', 5000]))));
    // As in Enfyra, release answers false for any error (and warns that it did).
    expect(await cache.methods.release!.call(scope, ['lock', 'me'])).toBe(false);
    expect(scope.warnings.find((w) => w.code === 'cache.release-failed')?.message).toContain('cache unavailable (redis)');
    const burst = await Promise.all(Array.from({ length: 20 }, () => timed(driver.set('faults:x', '1', null))));
    burst.forEach(expectUnavailable);

    await server.restart();
    // A fresh, empty server (no persistence): the first call after the restart already works.
    expect(await cache.methods.get!.call(scope, ['k'])).toBeNull();
    await cache.methods.set!.call(scope, ['k', 'back', 60_000]);
    expect(await cache.methods.get!.call(scope, ['k'])).toBe('back');
  }, 30_000);

  it('a frozen server (SIGSTOP) makes calls time out with a 503; they work again once it thaws', async () => {
    await driver.set('faults:z', '1', null);
    server.pause();
    try {
      for (let i = 0; i < 2; i++) {
        // The second call goes over a new connection to the still-frozen server.
        const result = await timed(driver.get('faults:z'));
        expectUnavailable(result);
        expect(result.ms).toBeGreaterThan(COMMAND_TIMEOUT_MS * 0.9);
      }
    } finally {
      server.resume();
    }
    expect(await driver.get('faults:z')).toBe('1');
  }, 30_000);

  it('never hangs on a command in flight when the server dies', async () => {
    await driver.set('faults:y', '1', null);
    const inFlight = Promise.all(Array.from({ length: 50 }, (_, i) => timed(driver.incr(`faults:n${i}`, 1, null))));
    await server.stop({ kill: true });
    for (const result of await inFlight) {
      expect(result.ms).toBeLessThan(COMMAND_TIMEOUT_MS * 1.5);
      if (result.error) expect(result.error).toBeInstanceOf(CacheUnavailableError);
    }
    await server.restart();
    expect(await driver.incr('faults:after', 1, null)).toBe(1);
  }, 30_000);
});

describe.skipIf(!canStart)('redis driver: Redis down from the start', () => {
  it('creating the driver neither connects nor throws; calls fail with a 503 within the timeout; close returns', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const driver = driverFor(url);
    expectUnavailable(await timed(driver.get('k')));
    expectUnavailable(await timed(driver.acquire('k', 'v', 1000)));
    const closing = timed(driver.close());
    expect((await closing).ms).toBeLessThan(500);
  });

  it('Cluster and Sentinel modes with nothing reachable also fail with a 503 within the timeout', async () => {
    const nodes = [{ host: '127.0.0.1', port: await freePort() }];
    for (const redis of [{ cluster: nodes }, { sentinels: nodes, name: 'nobody' }]) {
      const driver = createCacheDriver(
        cacheSchema.parse({ driver: 'redis', redis: { ...redis, commandTimeoutMs: COMMAND_TIMEOUT_MS } }),
      );
      expectUnavailable(await timed(driver.get('k')));
      expectUnavailable(await timed(driver.incr('k', 1, null)));
      expect((await timed(driver.close())).ms).toBeLessThan(500);
    }
  });

  it('a server that accepts connections but never answers fails within about the timeout', async () => {
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const driver = driverFor(`redis://127.0.0.1:${port}`);
    try {
      const result = await timed(driver.get('k'));
      expectUnavailable(result);
      expect(result.ms).toBeGreaterThan(COMMAND_TIMEOUT_MS * 0.9);
    } finally {
      await driver.close();
      silent.close();
    }
  });
});
