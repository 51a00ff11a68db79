/**
 * Locks across OS processes, at driver level: 8 processes increment one
 * counter under the lock (the total proves mutual exclusion), and a holder
 * killed with SIGKILL keeps the lock until its TTL, then frees it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheConfig } from '../../runtime/config/schema.ts';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child', 'lock-worker.mjs');
const PROCESSES = 8;
const ITERATIONS = 50;
const HOLD_TTL_MS = 1500;

export function crossProcessSuite(name: string, config: () => CacheConfig, prefix = `${name}-xproc-${process.pid}`): void {
  describe(`${name}: locks across processes`, () => {
    let driver: CacheDriver;

    beforeAll(() => {
      driver = createCacheDriver(config());
    });
    afterAll(async () => {
      await driver?.close();
    });

    const run = (args: string[]) => spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

    it(`${PROCESSES} processes x ${ITERATIONS} locked increments = ${PROCESSES * ITERATIONS}`, async () => {
      const keys = `${prefix}-counter`;
      const workers = Array.from({ length: PROCESSES }, (_, id) =>
        run(['counter', JSON.stringify(config()), keys, String(id), String(ITERATIONS)]),
      );
      const outcomes = await Promise.all(workers.map(exitOf));
      for (const outcome of outcomes) expect(outcome, outcome.stderr).toStrictEqual({ code: 0, stderr: '' });
      expect(await driver.get(`${keys}:counter`)).toBe(String(PROCESSES * ITERATIONS));
      expect(await driver.get(`${keys}:lock`)).toBeNull();
    }, 60_000);

    it('a holder killed with SIGKILL keeps the lock until its TTL, not after', async () => {
      const keys = `${prefix}-killed`;
      const holder = run(['hold', JSON.stringify(config()), keys, String(HOLD_TTL_MS)]);
      const exited = exitOf(holder);
      const line = await firstLine(holder);
      const { heldAt } = JSON.parse(line) as { heldAt: number };
      holder.kill('SIGKILL');
      await exited;

      expect(await driver.acquire(`${keys}:lock`, 'next', 10_000)).toBe(false);
      while (Date.now() < heldAt + HOLD_TTL_MS - 200) {
        expect(await driver.acquire(`${keys}:lock`, 'next', 10_000)).toBe(false);
        await sleep(50);
      }
      while (!(await driver.acquire(`${keys}:lock`, 'next', 10_000))) {
        expect(Date.now()).toBeLessThan(heldAt + HOLD_TTL_MS + 2000);
        await sleep(10);
      }
      // The lock was taken at or before heldAt, so it can free up slightly before heldAt + TTL, never much before.
      expect(Date.now()).toBeGreaterThanOrEqual(heldAt + HOLD_TTL_MS - 100);
      expect(await driver.release(`${keys}:lock`, 'next')).toBe(true);
    }, 30_000);
  });
}

async function exitOf(proc: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(proc, 'exit')) as [number | null];
  return { code, stderr };
}

async function firstLine(proc: ReturnType<typeof spawn>): Promise<string> {
  const lines = createInterface({ input: proc.stdout! });
  const exited = once(proc, 'exit').then(() => {
    throw new Error('the holder exited before taking the lock');
  });
  const line = once(lines, 'line').then(([text]) => text as string);
  return Promise.race([line, exited]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
