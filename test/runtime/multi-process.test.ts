/**
 * 8 OS processes x 50 runs of a hook that increments a counter under
 * $cache.acquire/release: the final count is exactly 400 on the drivers that
 * span processes (sqlite: one file; Redis: one server).
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { namespacedKey } from '../../runtime/cache/keys.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { redisForTests, uniqueNamespace, deleteKeysWithPrefix } from '../support/redis.ts';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child/locked-counter-worker.mjs');
const PROCESSES = 8;
const ITERATIONS = 50;
const redis = await redisForTests('multi-process lock test on Redis');

function runWorker(worker: number, config: object): Promise<{ failures: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', WORKER, String(worker), String(ITERATIONS), JSON.stringify(config)], {
      env: { ...process.env, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`worker ${worker} exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    });
  });
}

async function lockedCount(cache: Record<string, unknown>): Promise<number> {
  const config = { cache, sandbox: { wallTimeoutMs: 120_000, cpuTimeoutMs: 5000 } };
  const results = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(i, config)));
  expect(results.reduce((n, r) => n + r.failures, 0)).toBe(0);
  const driver = createCacheDriver(cacheSchema.parse(cache));
  try {
    return JSON.parse((await driver.get(namespacedKey(cache.namespace as string, 'counter')))!);
  } finally {
    await driver.close();
  }
}

describe('8 processes x 50 locked increments through hooks', () => {
  it('sqlite: one file shared by all processes ends at exactly 400', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-mp-'));
    const count = await lockedCount({ driver: 'sqlite', namespace: 'mp', sqlitePath: path.join(dir, 'cache.sqlite') });
    expect(count).toBe(PROCESSES * ITERATIONS);
  }, 120_000);

  it.skipIf(!redis)('redis: one server shared by all processes ends at exactly 400', async () => {
    const namespace = uniqueNamespace('mp');
    try {
      const count = await lockedCount({ driver: 'redis', namespace, redis: { url: redis!.url } });
      expect(count).toBe(PROCESSES * ITERATIONS);
    } finally {
      await deleteKeysWithPrefix(redis!.url, namespace);
    }
  }, 120_000);
});
