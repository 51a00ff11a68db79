/**
 * Ctrl-C in the middle of a hook, with a real child process and a real
 * signal: the hook is stopped, the lock it holds is given back
 * (compare-and-delete), connections are closed, one line says so, exit 130
 * (SIGTERM: 143); a second Ctrl-C quits at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { namespacedKey } from '../../runtime/cache/keys.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { scratchProject, spawnCli } from '../support/cli.ts';
import { canStartRedis, redisForTests, sleep, startRedisServer, uniqueNamespace } from '../support/redis.ts';

// Takes a lock, then waits far longer than the test: only an interrupt ends it. Its finally would release
// the lock and write "finally"; it never gets the chance (the isolate is stopped), so the runtime must.
const HOLD = `
const got = await $ctx.$cache.acquire('job-lock', 'worker-1', 600000);
try {
  await $ctx.$helpers.$sleep(120000);
  await $ctx.$cache.setNoExpire('after-sleep', true);
} finally {
  await $ctx.$cache.setNoExpire('finally', true);
}
return got;`;

const redis = await redisForTests('Ctrl-C in a hook (Redis)');
afterAll(() => redis?.close());

interface Store {
  /** Config `cache` section (the project's enfyra.config.json gets it). */
  cache: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Started as `node bin/enfyra-run.js` (the bin re-runs itself; the signal goes to the parent only). */
  plainNode?: boolean;
}

function project(store: Store): { dir: string; driver: CacheDriver; namespace: string } {
  const namespace = store.cache.namespace as string;
  const dir = scratchProject({
    'hooks/hold.js': HOLD,
    'enfyra.config.json': JSON.stringify({ sandbox: { wallTimeoutMs: 300_000 }, cache: store.cache, database: { schema: null } }),
  });
  const cache = cacheSchema.parse({ ...store.cache, sqlitePath: path.join(dir, (store.cache.sqlitePath as string) ?? '.enfyra/cache.sqlite') });
  return { dir, driver: createCacheDriver(cache), namespace };
}

async function waitForLock(driver: CacheDriver, key: string, cli: ReturnType<typeof spawnCli>): Promise<void> {
  while ((await driver.get(key)) === null) {
    if (cli.child.exitCode !== null) throw new Error(`the hook never took the lock:\n${cli.stdout()}\n${cli.stderr()}`);
    await sleep(50);
  }
}

async function interruptMidHook(store: Store, signal: 'SIGINT' | 'SIGTERM', expectedCode: number, times = 1): Promise<void> {
  const { dir, driver, namespace } = project(store);
  try {
    const cli = spawnCli(['hooks/hold.js'], { cwd: dir, env: store.env, plainNode: store.plainNode });
    const lock = namespacedKey(namespace, 'job-lock');
    await waitForLock(driver, lock, cli);
    for (let i = 0; i < times; i++) cli.child.kill(signal);
    const result = await cli.done;
    expect(result.code).toBe(expectedCode);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^enfyra-run: interrupted \\(${signal}\\): stopping the hook, giving back the locks it holds, closing connections`))]);
    expect(await driver.get(lock)).toBeNull();
    expect(await driver.get(namespacedKey(namespace, 'after-sleep'))).toBeNull();
  } finally {
    await driver.close();
  }
}

describe('Ctrl-C in the middle of a hook', () => {
  it('SQLite cache: SIGINT gives the lock back, says so on one line, exit 130', async () => {
    await interruptMidHook({ cache: { driver: 'sqlite', namespace: uniqueNamespace() } }, 'SIGINT', 130);
  });

  it('SQLite cache with releaseLeakedLocks: true: the same', async () => {
    await interruptMidHook({ cache: { driver: 'sqlite', namespace: uniqueNamespace(), releaseLeakedLocks: true } }, 'SIGINT', 130);
  });

  it('SQLite cache: SIGTERM does the same, exit 143', async () => {
    await interruptMidHook({ cache: { driver: 'sqlite', namespace: uniqueNamespace() } }, 'SIGTERM', 143);
  });

  it('Redis cache: SIGINT gives the lock back and closes the connection, exit 130', async (t) => {
    if (!redis) return t.skip();
    await interruptMidHook({ cache: { driver: 'redis', namespace: uniqueNamespace(), redis: { url: redis.url } } }, 'SIGINT', 130);
  });

  it('under npm/npx (which forward the Ctrl-C it also got, so it arrives twice at once) the stop is still orderly', async () => {
    await interruptMidHook({ cache: { driver: 'sqlite', namespace: uniqueNamespace() }, env: { npm_command: 'exec' } }, 'SIGINT', 130, 2);
  });

  it('started as plain `node bin/enfyra-run.js` (it re-runs itself): a signal sent to that process reaches the hook\'s process', async () => {
    await interruptMidHook({ cache: { driver: 'sqlite', namespace: uniqueNamespace() }, plainNode: true }, 'SIGTERM', 143);
  });

  it('a second Ctrl-C quits at once, while the first is still stopping (Redis not answering)', async (t) => {
    if (!canStartRedis('second Ctrl-C', ['redis-server'])) return t.skip();
    const server = await startRedisServer();
    const namespace = uniqueNamespace();
    const { dir, driver } = project({ cache: { driver: 'redis', namespace, redis: { url: server.url, commandTimeoutMs: 60_000 } } });
    try {
      const cli = spawnCli(['hooks/hold.js'], { cwd: dir });
      await waitForLock(driver, namespacedKey(namespace, 'job-lock'), cli);
      // Frozen: giving the lock back now waits (up to the 60 s command timeout) for a server that never answers.
      server.pause();
      cli.child.kill('SIGINT');
      await cli.waitFor(/interrupted \(SIGINT\)/, 'stderr');
      await sleep(1000);
      expect(cli.child.exitCode).toBeNull();
      cli.child.kill('SIGINT');
      // Settles while the server is still frozen: the CLI did not wait for the stop (60 s) to finish.
      const result = await cli.done;
      expect(result.code).toBe(130);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      server.resume();
      await driver.close();
      await server.stop();
    }
  });
});

describe('Ctrl-C in the middle of `replay --real`', () => {
  it('stops the running fixture, gives its lock back, removes what the fixture wrote, exit 130', async () => {
    const { dir } = project({ cache: { driver: 'sqlite', namespace: uniqueNamespace() } });
    writeFileSync(path.join(dir, 'fixtures/requests/zz-hold.json'), JSON.stringify({ hook: 'hooks/hold.js', expect: { statusCode: 200 } }));
    const cli = spawnCli(['replay', '--real', 'fixtures/requests/zz-hold.json'], { cwd: dir });
    const keys = () => {
      const db = new Database(path.join(dir, '.enfyra/cache.sqlite'), { readonly: true });
      try {
        // The CLI may have created the file and not yet its table.
        if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cache_entries'").get()) return [];
        return (db.prepare("SELECT key FROM cache_entries WHERE key LIKE '%job-lock'").all() as Array<{ key: string }>).map((r) => r.key);
      } finally {
        db.close();
      }
    };
    while (!existsSync(path.join(dir, '.enfyra/cache.sqlite')) || keys().length === 0) {
      if (cli.child.exitCode !== null) throw new Error(`the fixture never took the lock:\n${cli.stdout()}\n${cli.stderr()}`);
      await sleep(100);
    }
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^enfyra-run: interrupted \(SIGINT\): stopping the running fixtures/)]);
    expect(keys()).toEqual([]);
  });
});
