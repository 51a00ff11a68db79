/**
 * Seeded SQLite databases as serialized images: built once in memory from
 * the schema and seed, then written atomically to the data file or opened as
 * private in-memory copies (replay gives every fixture file its own).
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, constants, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectSqlite, withRawSqlite } from './connection.ts';
import { createDatabase, type Database } from './knex-database.ts';
import { createTables } from './ddl.ts';
import { dialectFor } from './dialect.ts';
import { loadFixtures, type FixturePaths, type Fixtures } from './fixtures.ts';
import { checkTablePrefix, physicalTableName } from './naming.ts';

export async function buildSqliteImage(fixtures: Fixtures, tablePrefix: string): Promise<Buffer> {
  const knex = connectSqlite(':memory:');
  try {
    await createTables({ knex, dialect: dialectFor('sqlite'), schema: fixtures.schema, physical: (t) => physicalTableName(tablePrefix, t) }, fixtures.seed);
    return await withRawSqlite(knex, (db) => db.serialize());
  } finally {
    await knex.destroy();
  }
}

/**
 * Writes an image as a new data file without a half-written file ever being
 * visible; a file another process created meanwhile is left alone. (Reset
 * rewrites an existing file in place instead: database.ts.)
 */
export async function writeSqliteFile(file: string, image: Buffer): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, image);
  try {
    createExclusive(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

function createExclusive(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw err;
    // No hard links on this file system: an exclusive copy still never overwrites.
    try {
      copyFileSync(from, to, constants.COPYFILE_EXCL);
    } catch (copyErr) {
      if ((copyErr as NodeJS.ErrnoException).code !== 'EEXIST') throw copyErr;
    }
  }
}

export interface SqliteTemplate {
  readonly fixtures: Fixtures;
  readonly tablePrefix: string;
  /** The seeded database, serialized. */
  readonly image: Buffer;
  /** A new private in-memory database holding the seeded rows; nothing it does is seen by other copies. */
  open(): Database;
}

/**
 * Builds the seeded database once, from the config's schema and seed files
 * or from fixtures already loaded; `open()` then costs a memory copy.
 */
export async function createSqliteTemplate(
  source: (FixturePaths & { tablePrefix?: string }) | Fixtures,
  options: { tablePrefix?: string } = {},
): Promise<SqliteTemplate> {
  const loaded = typeof source.seed === 'object' && source.seed !== null;
  const fixtures = loaded ? (source as Fixtures) : loadFixtures(source as FixturePaths);
  const tablePrefix = checkTablePrefix(options.tablePrefix ?? ('tablePrefix' in source ? source.tablePrefix : '') ?? '');
  const image = await buildSqliteImage(fixtures, tablePrefix);
  return {
    fixtures,
    tablePrefix,
    image,
    open: () => createDatabase(connectSqlite(image), 'sqlite', fixtures.schema, tablePrefix),
  };
}
