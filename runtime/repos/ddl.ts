/**
 * Creates, seeds and drops the schema's tables (and the junction tables of
 * its many-to-many relations) with knex's schema builder, so one schema file
 * gives equivalent tables on SQLite, PostgreSQL and MySQL/MariaDB. Columns
 * are laid out as Enfyra's provisioning lays them out: declared columns,
 * foreign-key columns, then createdAt and updatedAt. Foreign keys are added
 * after the rows are in (SQLite defers their checks to the commit), so
 * tables may reference each other in any order.
 */
import type { Knex } from 'knex';
import type { DbValue, Dialect } from './dialect.ts';
import { constraintName } from './naming.ts';
import type { RowValues } from './row-values.ts';
import { isOwner, valueKind, type ColumnSchema, type DatabaseSchema, type JunctionSchema, type TableSchema } from './schema.ts';
import type { SeedData } from './seed.ts';

export interface TableTarget {
  readonly knex: Knex;
  readonly dialect: Dialect;
  readonly schema: DatabaseSchema;
  /** Physical name of a schema or junction table. */
  physical(table: string): string;
}

/** Rows per INSERT when seeding: well under every dialect's bound-parameter limit. */
const SEED_BATCH = 100;

/** The table's columns in the order they are stored (what Enfyra's `select *` returns). */
export function physicalColumns(table: TableSchema): ColumnSchema[] {
  const columns = [...table.columns.values()];
  return [
    ...columns.filter((c) => !c.managed && c.relation === undefined),
    ...columns.filter((c) => !c.managed && c.relation !== undefined),
    ...columns.filter((c) => c.managed === 'createdAt'),
    ...columns.filter((c) => c.managed === 'updatedAt'),
  ];
}

/**
 * Creates the given tables (all by default) with their seed rows, the
 * junction tables between created tables, and their foreign keys. Runs in
 * one transaction where the database allows (SQLite, PostgreSQL).
 */
export async function createTables(target: TableTarget, seed: SeedData, only?: ReadonlySet<string>): Promise<void> {
  const { client } = target.dialect;
  const tables = [...target.schema.tables.values()].filter((t) => !only || only.has(t.name));
  const created = new Set(tables.map((t) => t.name));
  const junctions = target.schema.junctions.filter((j) => created.has(j.sourceTable) && created.has(j.targetTable));
  const collation = client === 'mysql' ? await mysqlBinaryCollation(target.knex) : undefined;
  const work = async (trx: Knex) => {
    const t: TableTarget = { ...target, knex: trx, physical: target.physical };
    if (client === 'sqlite') await trx.raw('PRAGMA defer_foreign_keys = ON');
    for (const table of tables) {
      await trx.schema.createTable(t.physical(table.name), (b) => {
        if (collation) {
          b.engine('InnoDB');
          b.charset('utf8mb4');
          b.collate(collation);
        }
        for (const column of physicalColumns(table)) defineColumn(t, b, table, column);
        defineUniques(t, b, table);
        if (client === 'sqlite') defineForeignKeys(t, b, table);
      });
    }
    for (const junction of junctions) await createJunction(t, junction, collation);
    for (const table of tables) await insertRows(t, table, seed.rows.get(table.name) ?? []);
    await insertLinks(t, seed, created);
    if (client !== 'sqlite') {
      for (const table of tables) {
        if ([...table.relations.values()].some((r) => isOwner(r))) {
          await trx.schema.alterTable(t.physical(table.name), (b) => defineForeignKeys(t, b, table));
        }
      }
    }
  };
  // MySQL commits DDL implicitly; the others roll a failed creation back whole.
  if (client === 'mysql') await work(target.knex);
  else await target.knex.transaction((trx) => work(trx));
}

export async function insertRows(target: TableTarget, table: TableSchema, rows: readonly RowValues[]): Promise<void> {
  const physical = target.physical(table.name);
  for (let i = 0; i < rows.length; i += SEED_BATCH) {
    const batch = rows.slice(i, i + SEED_BATCH).map((row) => encodeRow(target.dialect, table, row, physicalColumns(table)));
    await target.knex(physical).insert(batch);
  }
  if (rows.some((row) => row.has(table.primaryKey.name))) await syncSequence(target, table);
}

async function insertLinks(target: TableTarget, seed: SeedData, created: ReadonlySet<string>): Promise<void> {
  for (const link of seed.links) {
    const j = link.junction;
    if (!created.has(j.sourceTable) || !created.has(j.targetTable)) continue;
    const source = target.schema.tables.get(j.sourceTable)!.primaryKey;
    const other = target.schema.tables.get(j.targetTable)!.primaryKey;
    await target.knex(target.physical(j.table)).insert({
      [j.sourceColumn]: target.dialect.toDb(source, link.sourceId),
      [j.targetColumn]: target.dialect.toDb(other, link.targetId),
    });
  }
}

/** Drops the schema's tables and junction tables that exist. */
export async function dropTables(target: TableTarget): Promise<void> {
  const names = [...target.schema.junctions.map((j) => j.table), ...[...target.schema.tables.keys()].reverse()];
  const { client } = target.dialect;
  if (client === 'pg') {
    for (const name of names) await target.knex.raw('drop table if exists ?? cascade', [target.physical(name)]);
    return;
  }
  // One connection for the session setting and the drops.
  await target.knex.transaction(async (trx) => {
    if (client === 'mysql') await trx.raw('SET FOREIGN_KEY_CHECKS = 0');
    else await trx.raw('PRAGMA defer_foreign_keys = ON');
    try {
      for (const name of names) await trx.schema.dropTableIfExists(target.physical(name));
    } finally {
      if (client === 'mysql') await trx.raw('SET FOREIGN_KEY_CHECKS = 1');
    }
  });
}

/** Column name → bound value, for knex insert/update. Every key is a schema column. */
export function encodeRow(dialect: Dialect, table: TableSchema, row: RowValues, all?: readonly ColumnSchema[]): Record<string, DbValue> {
  const out: Record<string, DbValue> = {};
  if (all) {
    // Seed batches: every row names every column, so a multi-row insert never falls back to NULL for a missing key.
    for (const column of all) {
      if (column.isPrimary && column.isGenerated && !row.has(column.name) && valueKind(column) === 'integer') continue;
      out[column.name] = dialect.toDb(column, row.get(column.name) ?? null);
    }
    return out;
  }
  for (const [name, value] of row) out[name] = dialect.toDb(table.columns.get(name)!, value);
  return out;
}

/**
 * PostgreSQL's serial sequence does not move when a row is inserted with an
 * explicit id; without this the next generated id would collide.
 */
export async function syncSequence(target: TableTarget, table: TableSchema): Promise<void> {
  const pk = table.primaryKey;
  if (target.dialect.client !== 'pg' || !pk.isGenerated || valueKind(pk) !== 'integer') return;
  const physical = target.physical(table.name);
  await target.knex.raw('select setval(pg_get_serial_sequence(?, ?), coalesce((select max(??) from ??), 0) + 1, false)', [
    `"${physical}"`,
    pk.name,
    pk.name,
    physical,
  ]);
}

/** MySQL's auto-increment keys are unsigned; a column referencing one must match. */
function referencesUnsignedKey(target: TableTarget, column: ColumnSchema, table: TableSchema): boolean {
  if (!column.relation) return false;
  const relation = table.relations.get(column.relation)!;
  const key = target.schema.tables.get(relation.targetTable)!.primaryKey;
  return key.isGenerated && valueKind(key) === 'integer';
}

function defineColumn(target: TableTarget, t: Knex.CreateTableBuilder, table: TableSchema, column: ColumnSchema): void {
  const { client } = target.dialect;
  const name = column.name;
  if (column.isPrimary && column.isGenerated && valueKind(column) === 'integer') {
    if (column.type === 'bigint') t.bigIncrements(name, { primaryKey: true });
    else t.increments(name, { primaryKey: true });
    return;
  }
  let c: Knex.ColumnBuilder;
  switch (column.type) {
    case 'int':
      c = t.integer(name);
      if (referencesUnsignedKey(target, column, table)) c.unsigned();
      break;
    case 'bigint':
      c = t.bigInteger(name);
      if (referencesUnsignedKey(target, column, table)) c.unsigned();
      break;
    case 'float':
      c = t.double(name);
      break;
    case 'varchar':
      c = t.string(name, 255);
      break;
    case 'uuid':
      c = client === 'pg' ? t.uuid(name) : t.string(name, 36);
      break;
    case 'boolean':
      c = t.boolean(name);
      break;
    case 'enum':
      c = t.enu(name, [...column.options!]);
      break;
    case 'date':
    case 'datetime':
    case 'timestamp':
      // SQLite keeps ISO-8601 text (see dialect.ts); the servers keep UTC with milliseconds.
      c = client === 'sqlite' ? t.text(name) : t.datetime(name, { precision: 3, useTz: true });
      break;
    default:
      // text, richtext, code, simple-json, array-select: text, as Enfyra stores them.
      c = client === 'mysql' ? t.text(name, 'longtext') : t.text(name);
  }
  if (column.isPrimary) t.primary([name]);
  if (column.isNullable) c.nullable();
  else c.notNullable();
  if (column.isUnique && !column.isPrimary) t.unique([name], { indexName: constraintName(target.physical(table.name), name, 'unique') });
}

function defineUniques(target: TableTarget, t: Knex.CreateTableBuilder, table: TableSchema): void {
  for (const group of table.uniques) {
    t.unique([...group], { indexName: constraintName(target.physical(table.name), group.join('_'), 'unique') });
  }
}

function defineForeignKeys(target: TableTarget, t: Knex.TableBuilder, table: TableSchema): void {
  const physical = target.physical(table.name);
  for (const relation of table.relations.values()) {
    if (!isOwner(relation)) continue;
    const key = target.schema.tables.get(relation.targetTable)!.primaryKey;
    t.foreign(relation.foreignKeyColumn!, constraintName(physical, relation.foreignKeyColumn!, 'foreign'))
      .references(key.name)
      .inTable(target.physical(relation.targetTable))
      .onDelete(relation.onDelete)
      .onUpdate('CASCADE');
  }
}

async function createJunction(target: TableTarget, junction: JunctionSchema, collation: string | undefined): Promise<void> {
  const physical = target.physical(junction.table);
  const side = (b: Knex.CreateTableBuilder, column: string, tableName: string) => {
    const key = target.schema.tables.get(tableName)!.primaryKey;
    let c: Knex.ColumnBuilder;
    if (valueKind(key) === 'integer') {
      c = key.type === 'bigint' ? b.bigInteger(column) : b.integer(column);
      if (key.isGenerated) c.unsigned();
    } else if (key.type === 'uuid' && target.dialect.client === 'pg') c = b.uuid(column);
    else c = b.string(column, key.type === 'uuid' ? 36 : 255);
    c.notNullable();
    b.foreign(column, constraintName(physical, column, 'foreign'))
      .references(key.name)
      .inTable(target.physical(tableName))
      .onDelete('CASCADE')
      .onUpdate('CASCADE');
  };
  await target.knex.schema.createTable(physical, (b) => {
    if (collation) {
      b.engine('InnoDB');
      b.charset('utf8mb4');
      b.collate(collation);
    }
    side(b, junction.sourceColumn, junction.sourceTable);
    side(b, junction.targetColumn, junction.targetTable);
    b.primary([junction.sourceColumn, junction.targetColumn], constraintName(physical, 'pk', 'primary'));
    b.index([junction.targetColumn], constraintName(physical, junction.targetColumn, 'index'));
  });
}

/**
 * A binary collation, so string equality is case-sensitive and ordering is
 * by code point as on SQLite and PostgreSQL; the NO PAD variants also keep
 * trailing spaces significant where the server has them.
 */
async function mysqlBinaryCollation(knex: Knex): Promise<string> {
  const preferred = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin', 'utf8mb4_bin'];
  const result = (await knex.raw('show collation where Collation in (?, ?, ?)', preferred)) as [Array<{ Collation: string }>];
  const available = new Set(result[0].map((r) => r.Collation));
  return preferred.find((c) => available.has(c)) ?? 'utf8mb4_bin';
}
