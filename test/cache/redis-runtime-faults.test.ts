/**
 * Redis faults as a hook sees them, through the CLI and the full runtime, on
 * private redis-server processes this file starts (never the shared one):
 * - Redis unreachable at start-up: the CLI still starts and runs hooks; cache
 *   calls fail fast with a 503 a hook can catch and fall back from ($repos);
 * - Redis killed and restarted while a hook calls $cache in a loop: calls
 *   fail fast during the outage and succeed after it; none hangs;
 * - Redis frozen (SIGSTOP): calls end at the command timeout, then recover.
 */
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../runtime/runtime.ts';
import { runCli, scratchProject } from '../support/cli.ts';
import { canStartRedis, freePort, sleep, startRedisServer, type RedisServer } from '../support/redis.ts';
import {
  COMMAND_TIMEOUT_MS,
  FAIL_FAST_MS,
  expectOutageThenRecovery,
  hookPath,
  recoveredAfter,
  runLoop,
  runtimeWithCache,
} from './redis-runtime.ts';

const canStart = canStartRedis('Redis faults through the runtime', ['redis-server']);

interface FallbackResult {
  source: 'cache' | 'database';
  profile: { id: number; email: string } | null;
  cacheError: { statusCode: number; name: string; message: string; afterMs: number } | null;
}

describe('Redis unreachable at start-up: the CLI', () => {
  let cwd: string;
  let closedPort: number;
  beforeAll(async () => {
    closedPort = await freePort();
    const seedNodes = [{ host: '127.0.0.1', port: closedPort }];
    cwd = scratchProject({
      'hooks/cache-fallback.js': readFileSync(hookPath('cache-fallback.js'), 'utf8'),
      'cluster.config.json': JSON.stringify({ cache: { driver: 'redis', redis: { cluster: seedNodes } } }),
      'sentinel.config.json': JSON.stringify({ cache: { driver: 'redis', redis: { sentinels: seedNodes, name: 'mymaster' } } }),
    });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const env = () => ({ REDIS_URL: `redis://127.0.0.1:${closedPort}` });
  const envelopeOf = (stdout: string) => JSON.parse(stdout.trim());

  it('starts and runs a hook that never touches $cache', async () => {
    const r = await runCli(['hooks/hello.js', '--params', 'id=1', '--json'], { cwd, env: env() });
    expect(r.code).toBe(0);
    expect(envelopeOf(r.stdout)).toMatchObject({ statusCode: 200, data: { id: '1' } });
  });

  it('a hook that catches the 503 falls back to $repos, well within the command timeout', async () => {
    const started = Date.now();
    const r = await runCli(['hooks/cache-fallback.js', '--params', 'id=2', '--json'], { cwd, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const envelope = envelopeOf(r.stdout);
    const data = envelope.data as FallbackResult;
    expect(data.source).toBe('database');
    expect(data.profile).toMatchObject({ id: 2 });
    expect(data.cacheError).toMatchObject({ statusCode: 503, name: 'ServiceUnavailableException' });
    expect(data.cacheError!.message).toBe(
      `cache unavailable (redis): cannot reach the server (connect ECONNREFUSED 127.0.0.1:${closedPort})`,
    );
    expect(data.cacheError!.afterMs).toBeLessThan(FAIL_FAST_MS);
    expect(envelope.logs).toEqual(['cache unavailable, served from the database: 2']);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a hook that does not catch it fails, exit code 1: the 503 is a 400 'Script execution failed' from a handler, as Enfyra's engine reports a 5xx", async () => {
    const r = await runCli(['hooks/cache-first.js', '--params', 'id=1', '--json'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(envelopeOf(r.stdout)).toMatchObject({
      statusCode: 400,
      data: null,
      error: { statusCode: 400, name: 'ServiceUnavailableException', message: expect.stringMatching(/^Script execution failed: cache unavailable \(redis\): /) },
    });
  });

  it.each(['cluster', 'sentinel'])('%s mode with no node reachable: the fallback hook still serves from $repos', async (mode) => {
    const r = await runCli(['hooks/cache-fallback.js', '--config', `${mode}.config.json`, '--params', 'id=3', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const data = envelopeOf(r.stdout).data as FallbackResult;
    expect(data).toMatchObject({ source: 'database', profile: { id: 3 }, cacheError: { statusCode: 503 } });
    expect(data.cacheError!.afterMs).toBeLessThan(FAIL_FAST_MS);
  });

  it('a server that accepts connections but never answers costs one command timeout (about 1 s), then the fallback', async () => {
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      const r = await runCli(['hooks/cache-fallback.js', '--params', 'id=1', '--json'], {
        cwd,
        env: { REDIS_URL: `redis://127.0.0.1:${port}` },
      });
      const data = envelopeOf(r.stdout).data as FallbackResult;
      expect(data).toMatchObject({ source: 'database', cacheError: { statusCode: 503 } });
      expect(data.cacheError!.afterMs).toBeGreaterThan(COMMAND_TIMEOUT_MS * 0.9);
      expect(data.cacheError!.afterMs).toBeLessThan(FAIL_FAST_MS);
    } finally {
      silent.close();
    }
  });
});

describe.skipIf(!canStart)('Redis restarted while a hook calls $cache in a loop (full runtime)', () => {
  let server: RedisServer;
  let runtime: Runtime;

  beforeAll(async () => {
    server = await startRedisServer();
    runtime = await runtimeWithCache({
      driver: 'redis',
      namespace: 'restart',
      redis: { url: server.url, commandTimeoutMs: COMMAND_TIMEOUT_MS },
    });
  });
  afterAll(async () => {
    await runtime?.close();
    await server?.stop({ kill: true });
  });

  it('killed: calls fail fast during the outage and succeed once it is back; none hangs', async () => {
    const loop = runLoop(runtime, { durationMs: 15_000, stopAfterRecovery: 20 });
    await sleep(800);
    const downAt = Date.now();
    await server.stop({ kill: true });
    await sleep(2500);
    await server.restart();
    const upAt = Date.now();
    const { calls, startedAt } = await loop;

    expectOutageThenRecovery(calls, { minFailures: 5 });
    const failures = calls.filter((c) => !c.ok);
    // No call failed before the server went down: the first failed call ended after the kill began. (Times are the
    // hook's own clock readings: the hook starts some time after the loop is requested, more so on a busy machine.)
    expect(failures[0]!.epoch + failures[0]!.ms).toBeGreaterThanOrEqual(downAt);
    expect(failures.at(-1)!.epoch).toBeLessThanOrEqual(upAt + FAIL_FAST_MS);
    // The client reconnects on its own soon after the server answers again (well under a second on an idle machine).
    expect(recoveredAfter(calls) + startedAt - upAt).toBeLessThan(FAIL_FAST_MS);
    // A fresh invocation after the outage just works.
    expect((await runtime.run(hookPath('cache-loop.js'), { params: { durationMs: '1' } as never })).error).toBeNull();
  }, 40_000);

  it('frozen (SIGSTOP): calls end with a 503 at the command timeout, and work again once it thaws', async () => {
    const loop = runLoop(runtime, { durationMs: 15_000, stopAfterRecovery: 20 });
    await sleep(800);
    server.pause();
    await sleep(2500);
    server.resume();
    const { calls } = await loop;

    expectOutageThenRecovery(calls, { minFailures: 2 });
    for (const failure of calls.filter((c) => !c.ok)) expect(failure.ms).toBeGreaterThan(COMMAND_TIMEOUT_MS * 0.9);
  }, 40_000);
});
