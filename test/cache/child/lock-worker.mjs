/**
 * A separate OS process working against a cache driver (run from source).
 * argv: <mode> <cache config JSON> <key prefix> [...]
 *   counter <id> <iterations>: lock-protected read-modify-write of a counter
 *   hold <ttlMs>: take the lock, print {"heldAt": ms}, then wait to be killed
 */
import { createCacheDriver } from '../../../runtime/cache/create-driver.ts';

const [mode, configJson, prefix, ...rest] = process.argv.slice(2);
const config = JSON.parse(configJson);
// This worker proves mutual exclusion, not speed: a machine loaded by other work must not turn a slow reply into a 503.
if (config.redis) config.redis.commandTimeoutMs = Math.max(config.redis.commandTimeoutMs ?? 0, 10_000);
const driver = createCacheDriver(config);
const lockKey = `${prefix}:lock`;
const counterKey = `${prefix}:counter`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (mode === 'counter') {
  const [id, iterations] = rest;
  for (let i = 0; i < Number(iterations); i++) {
    const owner = `${id}-${i}`;
    while (!(await driver.acquire(lockKey, owner, 10_000))) await sleep(1 + Math.random() * 3);
    const count = Number((await driver.get(counterKey)) ?? '0');
    await sleep(1);
    await driver.set(counterKey, String(count + 1), null);
    if (!(await driver.release(lockKey, owner))) throw new Error(`worker ${id} lost its lock at iteration ${i}`);
  }
  await driver.close();
} else if (mode === 'hold') {
  if (!(await driver.acquire(lockKey, `holder-${process.pid}`, Number(rest[0])))) throw new Error('lock already taken');
  process.stdout.write(`${JSON.stringify({ heldAt: Date.now() })}\n`);
  setInterval(() => {}, 60_000);
} else {
  throw new Error(`unknown mode ${mode}`);
}
