/**
 * The command-line harness (scripts/redis/{single,cluster,sentinel}.ts):
 * `start` brings a topology up on loopback and free ports and prints the
 * cache config that reaches it; `status` reports it; `stop` ends exactly its
 * processes and removes its folder. Without redis-server it says so.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { canStartRedis, isRedisProcess } from '../support/redis.ts';
import type { TopologyState } from '../../scripts/redis/harness.ts';

const canStart = canStartRedis('Redis harness scripts');
const root = mkdtempSync(path.join(tmpdir(), 'enfyra-harness-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function script(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'scripts/redis', name), ...args], {
      cwd: PROJECT_ROOT,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.skipIf(!canStart)('scripts/redis harness', () => {
  it.each([
    ['single.ts', []],
    ['sentinel.ts', []],
    ['cluster.ts', ['--replicas', '0']],
  ])('%s start / status / stop', async (name, extra) => {
    const dir = path.join(root, name);
    const started = await script(name, ['start', '--dir', dir, '--json', ...extra]);
    expect(started.code, started.stderr).toBe(0);
    const state = JSON.parse(started.stdout) as TopologyState;
    try {
      expect(state.dir).toBe(dir);
      expect(state.pids.every(isRedisProcess)).toBe(true);
      expect(existsSync(path.join(dir, 'state.json'))).toBe(true);
      expect((await script(name, ['status', '--dir', dir])).code).toBe(0);
      expect((await script(name, ['start', '--dir', dir])).stderr).toMatch(/already running/);

      const driver = createCacheDriver(cacheSchema.parse(state.cache));
      try {
        await driver.set('harness:k', '"v"', 60_000);
        expect(await driver.get('harness:k')).toBe('"v"');
      } finally {
        await driver.close();
      }
    } finally {
      const stopped = await script(name, ['stop', '--dir', dir]);
      expect(stopped.stdout).toMatch(/stopped \d+ process\(es\)/);
    }
    expect(existsSync(dir)).toBe(false);
    expect(state.pids.some(isRedisProcess)).toBe(false);
    expect((await script(name, ['status', '--dir', dir])).code).toBe(1);
  }, 60_000);
});

describe('without redis-server', () => {
  it('the harness says so and exits 1', async () => {
    const env = { ...process.env, PATH: '/nonexistent' }; // node itself is started by absolute path
    const r = await script('cluster.ts', ['start', '--dir', path.join(root, 'missing')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/redis-server and redis-cli not found on PATH/);
    expect(existsSync(path.join(root, 'missing'))).toBe(false);
  });

  it('tests skip loudly, or fail under ENFYRA_REQUIRE_REDIS=1', () => {
    const saved = process.env.ENFYRA_REQUIRE_REDIS;
    try {
      delete process.env.ENFYRA_REQUIRE_REDIS;
      expect(canStartRedis('probe', ['no-such-redis-binary'])).toBe(false);
      process.env.ENFYRA_REQUIRE_REDIS = '1';
      expect(() => canStartRedis('probe', ['no-such-redis-binary'])).toThrow(/no-such-redis-binary not found.*ENFYRA_REQUIRE_REDIS=1/);
    } finally {
      if (saved === undefined) delete process.env.ENFYRA_REQUIRE_REDIS;
      else process.env.ENFYRA_REQUIRE_REDIS = saved;
    }
  });
});
