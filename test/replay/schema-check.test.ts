/** Fixtures are checked against the database schema before anything runs; configuration problems are exit 2. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config/load.ts';
import { exitCode } from '../../runtime/cli/replay-command.ts';
import { resetDatabase } from '../../runtime/repos/database.ts';
import { runFixture } from '../../runtime/replay/run-fixture.ts';
import { loadFixture } from '../../runtime/replay/load.ts';
import { Runtime } from '../../runtime/runtime.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { bareProject, replayIn, writeFiles } from './support.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

describe('fixtures against the schema', () => {
  it('an unknown table in "table" is invalid (exit 2) whatever the hook does with it', async () => {
    const dir = bareProject({
      'hooks/ignores-table.js': 'return 1;',
      'fixtures/requests/t.json': { hook: 'hooks/ignores-table.js', table: 'prodcts', expect: { statusCode: 200 } },
    });
    const outcome = await replayIn(dir);
    expect(outcome.results[0]).toMatchObject({ status: 'invalid', field: 'table', error: expect.stringMatching(/unknown table "prodcts"/) });
    expect(exitCode(outcome)).toBe(2);
  });

  it('an unknown column in state.tables is invalid like an unknown table there', async () => {
    const dir = bareProject({
      'hooks/ok.js': 'return 1;',
      'fixtures/requests/col.json': { hook: 'hooks/ok.js', state: { tables: { products: [{ id: 1, nme: 'x' }] } }, expect: {} },
      'fixtures/requests/table.json': { hook: 'hooks/ok.js', state: { tables: { prods: [{ id: 1 }] } }, expect: {} },
    });
    const outcome = await replayIn(dir);
    expect(outcome.results.map((r) => [r.status, r.field])).toEqual([
      ['invalid', 'state.tables.products[0].nme'],
      ['invalid', 'state.tables.prods'],
    ]);
    expect(exitCode(outcome)).toBe(2);
  });

  it('a project without a schema file replays fixtures that use no tables; one naming a table says why it is unknown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-noschema-'));
    writeFiles(dir, {
      'hooks/hello.js': 'return { hi: $ctx.$params.name };',
      'fixtures/requests/hello.json': { hook: 'hooks/hello.js', request: { params: { name: 'a' } }, expect: { data: { hi: 'a' } } },
      'fixtures/requests/rows.json': { hook: 'hooks/hello.js', expect: { tables: { products: { '1': { name: 'x' } } } } },
    });
    const outcome = await replayIn(dir);
    expect(outcome.results.map((r) => r.status)).toEqual(['passed', 'invalid']);
    expect(outcome.results[1]!.error).toMatch(/unknown table "products" \(no database schema: .*fixtures\/schema\.json does not exist\)/);
  });

  it('a database that does not match the schema is a configuration error (the fixture is invalid, exit 2), not a hook 500', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-stale-'));
    mkdirSync(path.join(dir, 'fixtures'));
    copyFileSync(path.join(PROJECT_ROOT, 'fixtures/schema.json'), path.join(dir, 'fixtures/schema.json'));
    copyFileSync(path.join(PROJECT_ROOT, 'fixtures/seed.json'), path.join(dir, 'fixtures/seed.json'));
    writeFiles(dir, {
      'hooks/read.js': "return (await $ctx.$repos.products.find({ limit: 1 })).data.length;",
      'fixtures/requests/read.json': { hook: 'hooks/read.js', expect: { statusCode: 200 } },
    });
    const config = loadConfig({ cwd: dir, env: {} });
    await resetDatabase(config.database);
    // The schema gains a column after the database file was made from it.
    const schemaFile = path.join(dir, 'fixtures/schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    schema.products.columns.push({ name: 'barcode', type: 'varchar' });
    writeFileSync(schemaFile, JSON.stringify(schema));

    const stale = loadConfig({ cwd: dir, env: {} });
    const driver = createCacheDriver({ ...stale.cache, driver: 'memory' });
    const runtime = await Runtime.create({ config: stale, cwd: dir, env: {}, cacheDriver: driver });
    try {
      const loaded = loadFixture('fixtures/requests/read.json', { cwd: dir, root: dir });
      if (!loaded.ok) throw new Error(loaded.invalid.message);
      const env = { runtime, cache: { driver, namespace: 'enfyra' }, database: undefined as never, advance: async () => {}, close: async () => {} };
      const result = await runFixture(loaded.fixture, env);
      expect(result).toMatchObject({ status: 'invalid', error: expect.stringMatching(/^configuration error: .*has no column "barcode".*db reset/) });
    } finally {
      await runtime.close();
      await driver.close();
    }
  });
});
