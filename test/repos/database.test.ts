import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../runtime/config/load.ts';
import { databaseSchema, type DatabaseConfig } from '../../runtime/config/schema.ts';
import { openDatabase, resetDatabase, type Database } from '../../runtime/repos/database.ts';
import { DatabaseHandle } from '../../runtime/repos/database-handle.ts';
import { dropTables } from '../../runtime/repos/ddl.ts';
import { loadFixtures } from '../../runtime/repos/fixtures.ts';
import { createSqliteTemplate } from '../../runtime/repos/sqlite-image.ts';
import { mariadbTestDatabase, postgresTestDatabase, uniqueTablePrefix } from '../support/databases.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const defaults = { schema: path.join(root, 'fixtures/schema.json'), seed: path.join(root, 'fixtures/seed.json') };
const defaultFixtures = loadFixtures(defaults);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'enfyra-db-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sqliteConfig(name: string, overrides: Partial<DatabaseConfig> = {}): DatabaseConfig {
  return databaseSchema.parse({ ...defaults, sqlitePath: path.join(dir, name, '.enfyra', 'data.sqlite'), ...overrides });
}

async function withDb<T>(open: Promise<Database>, use: (db: Database) => Promise<T>): Promise<T> {
  const db = await open;
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

const countRows = async (db: Database, table: string) =>
  (await db.repository(table).find({ limit: 0, meta: 'totalCount' })).meta.totalCount;

describe('SQLite data file', () => {
  it('is created from the schema and seed on first use and persists between opens', async () => {
    const config = sqliteConfig('persist');
    expect(existsSync(config.sqlitePath)).toBe(false);
    await withDb(openDatabase(config), async (db) => {
      expect(await countRows(db, 'products')).toBe(15);
      await db.repository('products').create({ data: { name: 'New', slug: 'new', price: 1 } });
    });
    expect(existsSync(config.sqlitePath)).toBe(true);
    await withDb(openDatabase(config), async (db) => expect(await countRows(db, 'products')).toBe(16));
  });

  it('resetDatabase recreates it from the files', async () => {
    const config = sqliteConfig('reset');
    await withDb(openDatabase(config), async (db) => {
      await db.repository('user_definition').delete({ id: 1 });
    });
    expect(await resetDatabase(config)).toEqual({ tables: 5, rows: 33 });
    await withDb(openDatabase(config), async (db) => expect(await countRows(db, 'user_definition')).toBe(5));
  });

  it('is created once when several opens race for it', async () => {
    const config = sqliteConfig('race');
    const dbs = await Promise.all(Array.from({ length: 6 }, () => openDatabase(config)));
    await dbs[0]!.repository('records').create({ data: { title: 'seen by all' } });
    for (const db of dbs) expect(await countRows(db, 'records')).toBe(7);
    await Promise.all(dbs.map((db) => db.close()));
  });

  it('gains tables added to the schema and refuses tables missing a declared column', async () => {
    const config = sqliteConfig('evolve');
    await withDb(openDatabase(config), async (db) => {
      await db.repository('records').delete({ id: 1 });
    });
    const schemaPath = path.join(dir, 'evolve', 'schema.json');
    const schema = JSON.parse(readFileSync(defaults.schema, 'utf8'));
    schema.tables.tags = { columns: { id: { type: 'increments' }, label: { type: 'string' } } };
    writeFileSync(schemaPath, JSON.stringify(schema));
    await withDb(openDatabase({ ...config, schema: schemaPath }), async (db) => {
      expect(await countRows(db, 'tags')).toBe(0);
      expect(await countRows(db, 'records')).toBe(5);
    });

    schema.tables.records.columns.priority = { type: 'integer' };
    writeFileSync(schemaPath, JSON.stringify(schema));
    const err = await openDatabase({ ...config, schema: schemaPath }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/table "records" has no column "priority".*enfyra-run db reset/);
  });

  it('accepts sqlite: and file: urls, and :memory: as url or path', async () => {
    const file = path.join(dir, 'url', 'db.sqlite');
    for (const url of [`sqlite:${file}`, `file://${file}`]) {
      await withDb(openDatabase(sqliteConfig('unused', { url })), async (db) => expect(await countRows(db, 'categories')).toBe(4));
    }
    expect(existsSync(file)).toBe(true);
    await withDb(openDatabase(sqliteConfig('unused', { url: 'sqlite::memory:' })), async (db) =>
      expect(await countRows(db, 'categories')).toBe(4),
    );
    const resolved = resolveConfig({ database: { ...defaults, sqlitePath: ':memory:' } }, { root: dir, file: null }).database;
    await withDb(openDatabase(resolved), async (db) => expect(await countRows(db, 'categories')).toBe(4));
    expect(existsSync(path.join(dir, 'unused'))).toBe(false);
    expect(existsSync(path.join(dir, ':memory:'))).toBe(false);
  });

  it('puts a table prefix in front of every physical table', async () => {
    const config = sqliteConfig('prefix', { tablePrefix: 'app1_' });
    await withDb(openDatabase(config), async (db) => {
      expect(await db.knex.schema.hasTable('app1_products')).toBe(true);
      expect(await db.knex.schema.hasTable('products')).toBe(false);
      expect(await countRows(db, 'products')).toBe(15);
    });
    await expect(openDatabase(config, { tablePrefix: 'bad-prefix' })).rejects.toThrow(/table prefix/);
  });

  it('for pg/mysql needs a url', async () => {
    await expect(openDatabase(databaseSchema.parse({ client: 'pg' }))).rejects.toThrow(/no url is set/);
  });
});

describe('DatabaseHandle', () => {
  it('opens the database on first use only, once', async () => {
    const config = sqliteConfig('lazy');
    const handle = new DatabaseHandle(config);
    expect(existsSync(config.sqlitePath)).toBe(false);
    const [a, b] = await Promise.all([handle.open(), handle.open()]);
    expect(a).toBe(b);
    expect(existsSync(config.sqlitePath)).toBe(true);
    expect(await countRows(a, 'records')).toBe(6);
    await handle.close();
    await handle.close();
  });

  it('reads the schema files at once (a missing one only when first used) and reports a failed open on every use', async () => {
    writeFileSync(path.join(dir, 'broken-schema.json'), '{ nope');
    expect(() => new DatabaseHandle(sqliteConfig('bad', { schema: path.join(dir, 'broken-schema.json') }))).toThrow(ConfigError);
    const missing = new DatabaseHandle(sqliteConfig('missing', { schema: path.join(dir, 'missing.json') }));
    await expect(missing.open()).rejects.toThrow(/cannot read .*missing\.json: ENOENT/);
    await expect(missing.open()).rejects.toBeInstanceOf(ConfigError);
    const unreachable = new DatabaseHandle({ ...sqliteConfig('x'), client: 'pg', url: 'postgres://nobody@127.0.0.1:1/none' });
    for (let i = 0; i < 2; i++) {
      const err = await unreachable.open().then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ statusCode: 503, message: expect.stringMatching(/^database unavailable: /) });
    }
    await unreachable.close();
  });
});

describe('seeded SQLite template', () => {
  it('opens private copies that do not see each other', async () => {
    const template = await createSqliteTemplate(defaults);
    const a = template.open();
    const b = template.open();
    await a.repository('products').delete({ id: 1 });
    await a.repository('configurations').update({ id: 1, data: { isActive: false } });
    expect(await countRows(a, 'products')).toBe(14);
    expect(await countRows(b, 'products')).toBe(15);
    const c = template.open();
    expect((await c.repository('configurations').find({ where: { isActive: { _eq: true } } })).data).toHaveLength(1);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('opens a copy in well under a millisecond or two', async () => {
    const template = await createSqliteTemplate(defaults);
    const started = performance.now();
    const copies = 200;
    for (let i = 0; i < copies; i++) {
      const db = template.open();
      await db.repository('products').find({ limit: 1 });
      await db.close();
    }
    const perCopy = (performance.now() - started) / copies;
    expect(perCopy).toBeLessThan(20); // generous for slow CI; about 0.6 ms here
  });
});

describe('default fixtures support the documented patterns', () => {
  let db: Database;
  beforeAll(async () => {
    db = (await createSqliteTemplate(defaultFixtures)).open();
  });
  afterAll(() => db.close());

  it('Pattern 1: a user by an id from the URL', async () => {
    const result = await db.repository('user_definition').find({ where: { id: { _eq: '1' } } });
    expect(result.data).toHaveLength(1);
    expect(result.data[0]).toMatchObject({ id: 1, email: 'admin@example.com', isRootAdmin: true });
  });

  it('Patterns 2 and 4: find and update a product by a string id', async () => {
    const current = await db.repository('products').find({ where: { id: { _eq: '3' } } });
    expect(current.data).toHaveLength(1);
    const updated = await db.repository('products').update({ id: '3', data: { price: 41.5 } });
    expect(updated.data[0]).toMatchObject({ id: 3, price: 41.5 });
  });

  it('Pattern 5: one active configuration', async () => {
    const result = await db.repository('configurations').find({ where: { isActive: { _eq: true } } });
    expect(result.data).toHaveLength(1);
    expect(result.data[0]!.value).toMatchObject({ siteName: 'Enfyra Demo' });
  });

  it('Pattern 7: more popular products than the default limit', async () => {
    const all = await db.repository('products').find({ where: { isPopular: { _eq: true } }, limit: 100 });
    expect(all.data).toHaveLength(11);
    expect((await db.repository('products').find({ where: { isPopular: { _eq: true } } })).data).toHaveLength(10);
  });

  it('lock pattern: records update', async () => {
    const result = await db.repository('records').update({ id: 1, data: { status: 'locked', version: 4 } });
    expect(result.data[0]).toMatchObject({ id: 1, status: 'locked', version: 4 });
  });
});

for (const server of [await postgresTestDatabase(), await mariadbTestDatabase()]) {
  const title = `default fixtures on ${server.label}${server.skipReason ? ` (skipped: ${server.skipReason})` : ''}`;
  describe.skipIf(server.skipReason !== null)(title, () => {
    it('are created on first open, kept on the next, and restored by resetDatabase', async () => {
      const config = { ...server.config, ...defaults };
      const options = { tablePrefix: uniqueTablePrefix() };
      const db = await openDatabase(config, options);
      try {
        expect(await countRows(db, 'products')).toBe(15);
        expect((await db.repository('user_definition').find({ where: { id: { _eq: '2' } } })).data[0]).toMatchObject({
          email: 'alice@example.com',
          profile: { locale: 'en', theme: 'light' },
          lastLoginAt: '2024-01-22T08:00:00.000Z',
          isActive: true,
        });
        await db.repository('products').create({ data: { name: 'New', slug: 'new', price: 1 } });
        await withDb(openDatabase(config, options), async (again) => expect(await countRows(again, 'products')).toBe(16));

        expect(await resetDatabase(config, options)).toEqual({ tables: 5, rows: 33 });
        expect(await countRows(db, 'products')).toBe(15);
        const created = await db.repository('products').create({ data: { name: 'After reset', slug: 'after', price: 2 } });
        expect(created.data[0]!.id).toBe(16);
      } finally {
        await dropTables(db);
        await db.close();
      }
    });
  });
}
