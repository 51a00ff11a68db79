/**
 * A hook holding a lock dies with its process (SIGKILL: no finally, no
 * clean-up): the lock stays taken until its TTL runs out, then the next hook
 * gets it — through the full runtime, on the drivers that span processes
 * (sqlite: one file; Redis: one server).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnfyraConfigInput } from '../../runtime/config/schema.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { namespacedKey } from '../../runtime/cache/keys.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { testConfig } from '../support/runtime.ts';
import { deleteKeysWithPrefix, redisForTests, sleep, uniqueNamespace } from '../support/redis.ts';
import { hookPath, runtimeWithCache } from './redis-runtime.ts';

const RUN_HOOK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child', 'run-hook.mjs');
const TTL_MS = 3000;

type CacheInput = NonNullable<EnfyraConfigInput['cache']>;

const redis = await redisForTests('lock holder killed (Redis)');
const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-lock-holder-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis?.close();
});

async function holderKilledThenLockFrees(cache: CacheInput): Promise<void> {
  const namespace = cache.namespace!;
  const driver = createCacheDriver(cacheSchema.parse(cache));
  const runtime: Runtime = await runtimeWithCache(cache);
  const config = testConfig({ cache, sandbox: { wallTimeoutMs: 120_000 } });
  const holder = spawn(
    process.execPath,
    ['--no-node-snapshot', RUN_HOOK, JSON.stringify(config), hookPath('hold-lock.js'), JSON.stringify({ key: 'record-lock:7', owner: 'holder', ttlMs: TTL_MS })],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.resolve(fileURLToPath(import.meta.url), '../../..') },
  );
  const exited = once(holder, 'exit');
  let stderr = '';
  holder.stderr!.on('data', (d) => (stderr += d));
  try {
    const storedKey = namespacedKey(namespace, 'record-lock:7');
    const deadline = Date.now() + 20_000;
    let announced: string | null;
    while ((announced = await driver.get(`${storedKey}:holder`)) === null) {
      if (holder.exitCode !== null || Date.now() > deadline) throw new Error(`the holder never took the lock: ${stderr}`);
      await sleep(20);
    }
    const holderToken = (JSON.parse(announced) as { token: number }).token;
    expect(holderToken).toBeTypeOf('number');
    holder.kill('SIGKILL');
    await exited;
    const expiresAt = Date.now() + (await driver.ttl(storedKey))!;
    expect(expiresAt - Date.now()).toBeGreaterThan(TTL_MS - 1500);

    const attempt = async () => {
      const envelope = await runtime.run(hookPath('try-lock.js'), { params: { key: 'record-lock:7', owner: 'next' } });
      expect(envelope.error).toBeNull();
      return envelope.data as { taken: boolean; token?: number };
    };
    while (Date.now() < expiresAt - 150) {
      expect((await attempt()).taken, 'the lock of a killed holder stays taken until its TTL').toBe(false);
      await sleep(100);
    }
    let taken: { taken: boolean; token?: number };
    while (!(taken = await attempt()).taken) {
      expect(Date.now(), 'the lock frees once its TTL has run out').toBeLessThan(expiresAt + 1000);
      await sleep(20);
    }
    // Fencing: the next holder's token is larger than the killed holder's.
    expect(taken.token).toBeGreaterThan(holderToken);
  } finally {
    if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    await runtime.close();
    await driver.close();
  }
}

describe('a lock holder killed with SIGKILL, through hooks', () => {
  it('sqlite: the lock frees after its TTL, not before', async () => {
    await holderKilledThenLockFrees({ driver: 'sqlite', namespace: 'killed', sqlitePath: path.join(dir, 'cache.sqlite') });
  }, 40_000);

  it.skipIf(!redis)('redis: the lock frees after its TTL, not before', async () => {
    const namespace = uniqueNamespace('killed');
    try {
      await holderKilledThenLockFrees({ driver: 'redis', namespace, redis: { url: redis!.url } });
    } finally {
      await deleteKeysWithPrefix(redis!.url, namespace);
    }
  }, 40_000);
});
