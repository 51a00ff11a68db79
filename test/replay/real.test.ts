/**
 * --real: the repository fixtures against the machine's Redis (REDIS_TEST_URL,
 * REDIS_URL or 127.0.0.1:6379) and a real database (a SQLite file; PostgreSQL
 * and MariaDB when they answer), each fixture in its own namespace and table prefix, all
 * cleaned up afterwards.
 */
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config/load.ts';
import { runReplay } from '../../runtime/replay/runner.ts';
import { mariadbTestDatabase, postgresTestDatabase } from '../support/databases.ts';
import { connectServer } from '../../runtime/repos/connection.ts';
import { deleteKeysWithPrefix, pingRedis, redisForTests, uniqueNamespace, type TestRedis } from '../support/redis.ts';
import { project } from './support.ts';

let redis: TestRedis | null = null;

beforeAll(async () => {
  const testUrl = process.env.REDIS_TEST_URL;
  redis = testUrl && (await pingRedis(testUrl)) ? { url: testUrl, source: 'REDIS_URL', close: async () => {} } : await redisForTests('replay --real');
});
afterAll(() => redis?.close());

async function replayReal(env: Record<string, string>) {
  const dir = project();
  const namespace = uniqueNamespace('replay-real');
  const config = loadConfig({ cwd: dir, env: { REDIS_URL: redis!.url, NODE_NAME: namespace, ...env } });
  const outcome = await runReplay({ config, cwd: dir, real: true });
  const leftovers = await deleteKeysWithPrefix(redis!.url, namespace);
  return { dir, outcome, leftovers, config };
}

describe('replay --real', () => {
  it('passes against Redis and the SQLite data file, and leaves no keys or tables behind', async (t) => {
    if (!redis) return t.skip();
    const { dir, outcome, leftovers } = await replayReal({});
    expect(outcome.results.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(outcome.summary.failed).toBe(0);
    expect(leftovers).toBe(0);
    const db = new BetterSqlite3(path.join(dir, '.enfyra/data.sqlite'), { readonly: true });
    try {
      expect(db.prepare("select name from sqlite_master where type = 'table' and name like ?").all(`rp${outcome.runId}%`)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it.for([
    ['PostgreSQL', postgresTestDatabase, "select tablename as name from pg_tables where tablename like ?"],
    ['MariaDB/MySQL', mariadbTestDatabase, 'select table_name as name from information_schema.tables where table_schema = database() and table_name like ?'],
  ] as const)('passes against %s too', async ([, probe, listTables], t) => {
    const server = await probe();
    if (!redis || server.skipReason) return t.skip();
    const { outcome, leftovers, config } = await replayReal({ DATABASE_URL: server.config.url! });
    expect(config.database.client).toBe(server.client);
    expect(outcome.results.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(leftovers).toBe(0);
    const knex = connectServer(server.client as 'pg' | 'mysql', server.config.url!);
    try {
      const result = (await knex.raw(listTables, [`rp${outcome.runId}%`])) as { rows?: unknown[] } | [unknown[]];
      expect(Array.isArray(result) ? result[0] : result.rows).toEqual([]);
    } finally {
      await knex.destroy();
    }
  });
});
