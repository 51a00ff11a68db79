/**
 * A program that uses the API and never calls runtime.close() still ends once
 * nothing runs: idle connections and timers do not hold the process open
 * (a real child process per case, on each store that opens connections).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectServer } from '../../runtime/repos/connection.ts';
import { createDatabase } from '../../runtime/repos/knex-database.ts';
import { dropTables } from '../../runtime/repos/ddl.ts';
import { loadFixtures } from '../../runtime/repos/fixtures.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { postgresTestDatabase, uniqueTablePrefix } from '../support/databases.ts';
import { redisForTests, uniqueNamespace } from '../support/redis.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child/no-close.mjs');
const SCHEMA = { schema: path.join(PROJECT_ROOT, 'fixtures/schema.json'), seed: path.join(PROJECT_ROOT, 'fixtures/seed.json') };
const READ_ROW = 'return (await $ctx.$repos.products.find({ where: { id: { _eq: 1 } } })).data[0].name;';
/** Far beyond a run's few seconds: a process still there by then is one that would never end. */
const NEVER_MS = 90_000;

const redis = await redisForTests('API without close (Redis)');
const pg = await postgresTestDatabase();
const pgPrefix = uniqueTablePrefix();
afterAll(async () => {
  await redis?.close();
  if (pg.skipReason !== null) return;
  const db = createDatabase(connectServer('pg', pg.config.url!), 'pg', loadFixtures(SCHEMA).schema, pgPrefix);
  await dropTables(db).catch(() => {});
  await db.close();
});

function runProgram(config: unknown, source: string, close = false): Promise<{ code: number | null; stdout: string; stderr: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', CHILD, JSON.stringify(config), source, close ? 'close' : 'no-close'], {
      cwd: mkdtempSync(path.join(tmpdir(), 'enfyra-api-exit-')),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const never = setTimeout(() => child.kill('SIGKILL'), NEVER_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(never);
      resolve({ code, stdout, stderr, ended: signal === null });
    });
  });
}

async function expectEnds(config: unknown, source: string, data: unknown, close = false): Promise<void> {
  const r = await runProgram(config, source, close);
  expect({ ended: r.ended, code: r.code, stderr: r.stderr }).toEqual({ ended: true, code: 0, stderr: '' });
  expect(JSON.parse(r.stdout)).toMatchObject({ statusCode: 200, data });
}

describe('a program that never calls runtime.close() ends once nothing runs', () => {
  it('default stores (SQLite cache file), a hook that uses $cache', async () => {
    await expectEnds({ database: { schema: null } }, "await $ctx.$cache.set('k', 1, 5000); return await $ctx.$cache.get('k');", 1);
  });

  it('$repos on a SQLite file', async () => {
    await expectEnds({ database: { ...SCHEMA, sqlitePath: '.enfyra/data.sqlite' } }, READ_ROW, 'Wireless Mouse');
  });

  it('$repos on PostgreSQL', async (t) => {
    if (pg.skipReason !== null) return t.skip();
    await expectEnds({ database: { ...SCHEMA, client: 'pg', url: pg.config.url, tablePrefix: pgPrefix } }, READ_ROW, 'Wireless Mouse');
  }, 120_000);

  it('$cache on Redis', async (t) => {
    if (!redis) return t.skip();
    const cache = { driver: 'redis', namespace: uniqueNamespace(), redis: { url: redis.url } };
    await expectEnds({ cache, database: { schema: null } }, "await $ctx.$cache.set('k', 2, 5000); return await $ctx.$cache.get('k');", 2);
  }, 120_000);

  it('closing at top level still finishes cleanly (no unsettled await, exit 0)', async (t) => {
    if (!redis) return t.skip();
    const cache = { driver: 'redis', namespace: uniqueNamespace(), redis: { url: redis.url } };
    await expectEnds({ cache, database: { schema: null } }, "await $ctx.$cache.set('k', 3, 5000); return await $ctx.$cache.get('k');", 3, true);
  }, 120_000);
});
