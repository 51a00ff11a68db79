import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { SqliteCacheDriver } from '../../runtime/cache/drivers/sqlite.ts';
import { CacheUnavailableError } from '../../runtime/cache/driver.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { cacheConformance } from './conformance.ts';
import { crossProcessSuite } from './cross-process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-cache-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sqliteConfig = (file: string) => cacheSchema.parse({ driver: 'sqlite', sqlitePath: path.join(dir, file) });

cacheConformance('sqlite', {
  prefix: 'sqlite',
  setup: async () => {
    const driver = createCacheDriver(sqliteConfig('conformance/cache.sqlite'));
    return {
      driver,
      elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      teardown: () => driver.close(),
    };
  },
});

crossProcessSuite('sqlite', () => sqliteConfig('cross-process.sqlite'));

describe('sqlite driver: the file', () => {
  it('is created (folder included) on first use, not before, and persists across driver instances', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'cache.sqlite');
    const first = new SqliteCacheDriver({ path: file });
    expect(existsSync(file)).toBe(false);
    await first.set('k', '"v"', null);
    expect(existsSync(file)).toBe(true);
    await first.close();
    const second = new SqliteCacheDriver({ path: file });
    expect(await second.get('k')).toBe('"v"');
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await second.close();
  });

  it('never returns an expired row, even before clean-up removed it', async () => {
    const file = path.join(dir, 'expiry.sqlite');
    let now = 1_000_000;
    const driver = new SqliteCacheDriver({ path: file, clock: () => now });
    await driver.set('k', 'v', 50);
    now += 50;
    expect(await driver.get('k')).toBeNull();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM cache_entries WHERE key = ?').pluck().get('k')).toBe(1);
    db.close();
    await driver.close();
  });

  it('reports a file it cannot open as CacheUnavailableError (503)', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    const driver = new SqliteCacheDriver({ path: path.join(dir, 'plain.sqlite') });
    await driver.set('x', '1', null);
    await driver.close();
    writeFileSync(blocker, 'a file where a folder should be');
    const broken = new SqliteCacheDriver({ path: path.join(blocker, 'cache.sqlite') });
    const err = await broken.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheUnavailableError);
    expect((err as CacheUnavailableError).statusCode).toBe(503);
  });
});
