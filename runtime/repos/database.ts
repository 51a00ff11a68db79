/**
 * Opening the database behind `$ctx.$repos`: a SQLite file (created from the
 * schema and seed files on first use), PostgreSQL or MySQL/MariaDB, with the
 * schema's tables created where missing and checked where present.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ConfigError } from '../config/load.ts';
import type { DatabaseConfig } from '../config/schema.ts';
import { connectServer, connectSqlite, withRawSqlite } from './connection.ts';
import { createDatabase, type Database } from './knex-database.ts';
import { createTables, dropTables, physicalColumns, type TableTarget } from './ddl.ts';
import { loadFixtures, type Fixtures } from './fixtures.ts';
import { checkTablePrefix } from './naming.ts';
import { buildSqliteImage, writeSqliteFile } from './sqlite-image.ts';

export type { Database } from './knex-database.ts';

export interface OpenOptions {
  /** Overrides `database.tablePrefix`: tests open the same schema under a prefix of their own. */
  tablePrefix?: string;
  /** Schema and seed already loaded (otherwise read from the config's files). */
  fixtures?: Fixtures;
}

export interface ResetSummary {
  /** Schema tables (junction tables not counted). */
  tables: number;
  rows: number;
  /** Where: the SQLite file, or the server URL without its password. */
  location: string;
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<Database> {
  const fixtures = options.fixtures ?? loadFixtures(config);
  const prefix = tablePrefix(config, options);
  let knex: Knex;
  if (config.client === 'sqlite') {
    const file = sqliteFile(config);
    if (file === ':memory:') {
      const image = await buildSqliteImage(fixtures, prefix);
      return createDatabase(connectSqlite(image), 'sqlite', fixtures.schema, prefix);
    }
    if (!existsSync(file)) await writeSqliteFile(file, await buildSqliteImage(fixtures, prefix));
    knex = connectSqlite(file);
  } else {
    knex = connectServer(config.client, serverUrl(config));
  }
  const db = createDatabase(knex, config.client, fixtures.schema, prefix);
  try {
    await withSchemaLock(db, (target) => ensureTables(target, fixtures));
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * Recreates the tables from the schema and seed files (`enfyra-run db reset`).
 * A SQLite file is rewritten in place, in one transaction: runs using it
 * meanwhile wait for the lock (busy timeout) and then see either the old
 * tables or the new ones, never a missing or read-only file.
 */
export async function resetDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<ResetSummary> {
  const fixtures = options.fixtures ?? loadFixtures(config);
  const prefix = tablePrefix(config, options);
  const summary = (location: string): ResetSummary => ({
    tables: fixtures.schema.tables.size,
    rows: [...fixtures.seed.rows.values()].reduce((n, rows) => n + rows.length, 0),
    location,
  });
  if (config.client === 'sqlite') {
    const file = sqliteFile(config);
    if (file === ':memory:') return summary(file);
    if (!existsSync(file)) {
      await writeSqliteFile(file, await buildSqliteImage(fixtures, prefix));
      return summary(file);
    }
    const db = createDatabase(connectSqlite(file), 'sqlite', fixtures.schema, prefix);
    try {
      await replaceSqliteTables(db, fixtures);
    } finally {
      await db.close();
    }
    return summary(file);
  }
  const db = createDatabase(connectServer(config.client, serverUrl(config)), config.client, fixtures.schema, prefix);
  try {
    await withSchemaLock(db, async (target) => {
      await dropTables(target);
      await createTables(target, fixtures.seed);
    });
  } finally {
    await db.close();
  }
  return summary(redactUrl(serverUrl(config)));
}

/** Every table of the file under the prefix, dropped and recreated with the seed rows, as one transaction. */
async function replaceSqliteTables(db: Database, fixtures: Fixtures): Promise<void> {
  const existing = await withRawSqlite(db.knex, (raw) =>
    (raw.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((r) => r.name),
  );
  const mine = existing.filter((name) => !name.startsWith('sqlite_') && name.startsWith(db.tablePrefix));
  // Foreign keys are off while tables are dropped (a drop deletes rows, which would cascade into dropped tables)
  // and checked as a whole before the commit. The setting belongs to the connection, outside a transaction.
  await db.knex.raw('PRAGMA foreign_keys = OFF');
  try {
    await db.knex.transaction(async (trx) => {
      for (const name of mine) await trx.schema.dropTableIfExists(name);
      await createTables({ knex: trx, dialect: db.dialect, schema: db.schema, physical: db.physical }, fixtures.seed);
      const broken = (await trx.raw('PRAGMA foreign_key_check')) as Array<{ table: string }>;
      if (broken.length > 0) throw new ConfigError(`seed rows reference rows that do not exist (table "${broken[0]!.table}")`);
    });
  } finally {
    await db.knex.raw('PRAGMA foreign_keys = ON');
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(database url)';
  }
}

/** Creates the schema tables that are missing (with their seed rows) and checks the columns of the others. */
async function ensureTables(target: TableTarget, fixtures: Fixtures): Promise<void> {
  const missing = new Set<string>();
  for (const name of target.schema.tables.keys()) {
    if (!(await target.knex.schema.hasTable(target.physical(name)))) missing.add(name);
  }
  if (missing.size > 0) await createTables(target, fixtures.seed, missing);
  for (const junction of target.schema.junctions) {
    if (missing.has(junction.sourceTable) && missing.has(junction.targetTable)) continue;
    if (!(await target.knex.schema.hasTable(target.physical(junction.table)))) {
      throw new ConfigError(
        `database table "${target.physical(junction.table)}" (the junction of ${junction.sourceTable} and ${junction.targetTable}) is missing: ` +
          'run "enfyra-run db reset" to recreate the tables (this deletes their rows)',
      );
    }
  }
  for (const table of target.schema.tables.values()) {
    if (missing.has(table.name)) continue;
    const physical = target.physical(table.name);
    const present = new Set(Object.keys(await target.knex(physical).columnInfo()));
    for (const column of physicalColumns(table).map((c) => c.name)) {
      if (!present.has(column)) {
        throw new ConfigError(
          `database table "${physical}" has no column "${column}" that the schema file declares: ` +
            'run "enfyra-run db reset" to recreate the tables (this deletes their rows)',
        );
      }
    }
  }
}

/**
 * Serializes schema changes between processes that open the same server
 * database at once (parallel CI jobs). SQLite files are created atomically
 * instead (sqlite-image.ts).
 */
async function withSchemaLock(db: Database, work: (target: TableTarget) => Promise<void>): Promise<void> {
  if (db.client === 'sqlite') return work(db);
  const key = `enfyra-run:schema:${db.tablePrefix}`;
  await db.knex.transaction(async (trx) => {
    const target: TableTarget = { knex: trx, dialect: db.dialect, schema: db.schema, physical: db.physical };
    if (db.client === 'pg') {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [key]);
      return work(target);
    }
    // A MySQL lock belongs to the session: the transaction keeps one connection for lock, work and release.
    await trx.raw('select get_lock(?, 60)', [key]);
    try {
      await work(target);
    } finally {
      await trx.raw('select release_lock(?)', [key]);
    }
  });
}

function tablePrefix(config: DatabaseConfig, options: OpenOptions): string {
  return checkTablePrefix(options.tablePrefix ?? config.tablePrefix ?? '');
}

/**
 * The SQLite file: from a `sqlite:` / `file:` url when given, else
 * `sqlitePath`. `:memory:` (either way) means a private in-memory database;
 * config loading resolves paths against the config folder, so a resolved
 * `…/:memory:` counts too.
 */
export function sqliteFile(config: DatabaseConfig): string {
  if (!config.url) return path.basename(config.sqlitePath) === ':memory:' ? ':memory:' : config.sqlitePath;
  const m = /^(?:sqlite|file):(?:\/\/)?(.*)$/i.exec(config.url);
  if (!m || m[1] === '') throw new ConfigError(`database url "${config.url}" is not a sqlite: or file: path`);
  return m[1] === ':memory:' ? ':memory:' : path.resolve(decodeURI(m[1]!));
}

function serverUrl(config: DatabaseConfig): string {
  if (!config.url) {
    throw new ConfigError(`database.client is "${config.client}" but no url is set: set database.url or DATABASE_URL`);
  }
  return config.url;
}
