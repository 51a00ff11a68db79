/**
 * Creates, seeds and drops the schema's tables with knex's schema builder, so
 * one schema file gives equivalent tables on SQLite, PostgreSQL and MySQL.
 */
import type { Knex } from 'knex';
import type { DbValue, Dialect } from './dialect.ts';
import { constraintName } from './naming.ts';
import type { RowValues } from './row-write.ts';
import type { ColumnSchema, DatabaseSchema, TableSchema } from './schema.ts';

export interface TableTarget {
  readonly knex: Knex;
  readonly dialect: Dialect;
  readonly schema: DatabaseSchema;
  physical(table: string): string;
}

/** Rows per INSERT when seeding: well under every dialect's bound-parameter limit. */
const SEED_BATCH = 100;

/** Creates the given tables (all by default) in dependency order, with their seed rows. */
export async function createTables(
  target: TableTarget,
  seed: ReadonlyMap<string, readonly RowValues[]>,
  only?: ReadonlySet<string>,
): Promise<void> {
  const collation = target.dialect.client === 'mysql' ? await mysqlBinaryCollation(target.knex) : undefined;
  for (const table of target.schema.tables.values()) {
    if (only && !only.has(table.name)) continue;
    await target.knex.schema.createTable(target.physical(table.name), (t) => {
      if (collation) {
        t.engine('InnoDB');
        t.charset('utf8mb4');
        t.collate(collation);
      }
      for (const column of table.columns.values()) defineColumn(target, t, table, column);
    });
    await insertRows(target, table, seed.get(table.name) ?? []);
  }
}

export async function insertRows(target: TableTarget, table: TableSchema, rows: readonly RowValues[]): Promise<void> {
  const physical = target.physical(table.name);
  for (let i = 0; i < rows.length; i += SEED_BATCH) {
    const batch = rows.slice(i, i + SEED_BATCH).map((row) => encodeRow(target.dialect, table, row));
    await target.knex(physical).insert(batch);
  }
  if (rows.some((row) => row.has(table.primaryKey.name))) await syncSequence(target, table);
}

/** Drops the schema's tables that exist, dependents first. */
export async function dropTables(target: TableTarget): Promise<void> {
  for (const table of [...target.schema.tables.values()].reverse()) {
    await target.knex.schema.dropTableIfExists(target.physical(table.name));
  }
}

/** Column name → bound value, for knex insert/update. Every key is a schema column. */
export function encodeRow(dialect: Dialect, table: TableSchema, row: RowValues): Record<string, DbValue> {
  const out: Record<string, DbValue> = {};
  for (const [name, value] of row) out[name] = dialect.toDb(table.columns.get(name)!, value);
  return out;
}

/**
 * PostgreSQL's serial sequence does not move when a row is inserted with an
 * explicit id; without this the next generated id would collide.
 */
export async function syncSequence(target: TableTarget, table: TableSchema): Promise<void> {
  if (target.dialect.client !== 'pg' || table.primaryKey.type !== 'increments') return;
  const physical = target.physical(table.name);
  await target.knex.raw('select setval(pg_get_serial_sequence(?, ?), coalesce((select max(??) from ??), 0) + 1, false)', [
    `"${physical}"`,
    table.primaryKey.name,
    table.primaryKey.name,
    physical,
  ]);
}

function defineColumn(target: TableTarget, t: Knex.CreateTableBuilder, table: TableSchema, column: ColumnSchema): void {
  const { client } = target.dialect;
  const name = column.name;
  let c: Knex.ColumnBuilder;
  switch (column.type) {
    case 'increments':
      t.increments(name, { primaryKey: true });
      return;
    case 'integer':
      c = t.integer(name);
      // MySQL's auto-increment keys are unsigned; a referencing column must match.
      if (column.references && target.schema.tables.get(column.references.table)!.primaryKey.type === 'increments') {
        c.unsigned();
      }
      break;
    case 'float':
      c = t.double(name);
      break;
    case 'decimal':
      c = t.decimal(name, column.precision, column.scale);
      break;
    case 'string':
      c = t.string(name, column.length);
      break;
    case 'text':
      c = client === 'mysql' ? t.text(name, 'longtext') : t.text(name);
      break;
    case 'boolean':
      c = t.boolean(name);
      break;
    case 'datetime':
      // SQLite keeps ISO-8601 text (see dialect.ts); the servers keep UTC with milliseconds.
      c = client === 'sqlite' ? t.text(name) : t.datetime(name, { precision: 3, useTz: true });
      break;
    case 'json':
      c = client === 'pg' ? t.jsonb(name) : client === 'mysql' ? t.json(name) : t.text(name);
      break;
  }
  if (column.primary) t.primary([name]);
  if (!column.nullable) c.notNullable();
  else c.nullable();
  const physical = target.physical(table.name);
  if (column.unique) t.unique([name], { indexName: constraintName(physical, name, 'unique') });
  if (column.references) {
    t.foreign(name, constraintName(physical, name, 'foreign'))
      .references(target.schema.tables.get(column.references.table)!.primaryKey.name)
      .inTable(target.physical(column.references.table))
      .onDelete(column.references.onDelete.toUpperCase());
  }
}

/**
 * A binary collation, so string equality is case-sensitive and ordering is
 * by code point as on SQLite and PostgreSQL; the NO PAD variants also keep
 * trailing spaces significant where the server has them.
 */
async function mysqlBinaryCollation(knex: Knex): Promise<string> {
  const preferred = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin', 'utf8mb4_bin'];
  const result = (await knex.raw('show collation where Collation in (?, ?, ?)', preferred)) as [
    Array<{ Collation: string }>,
  ];
  const available = new Set(result[0].map((r) => r.Collation));
  return preferred.find((c) => available.has(c)) ?? 'utf8mb4_bin';
}
