/**
 * Rows as replay fixtures give them (`state.tables`, `expect.tables`):
 * written as given — the primary key and timestamps kept, unlike `create` —
 * and read back as a trusted `find` returns them (every stored column).
 * Also the check a fixture loader runs up front, so an unknown table or
 * column in a fixture is a configuration error rather than a failing hook.
 */
import { ConfigError } from '../config/load.ts';
import type { Database } from './knex-database.ts';
import { encodeRow, insertRows } from './ddl.ts';
import type { Row } from './read.ts';
import { resolveTable, unknownFields, type DatabaseSchema } from './schema.ts';
import { parseSeedRows } from './seed.ts';

/**
 * Problems of a fixture's rows for `table`, as one message each (empty when
 * fine): an unknown table, or keys that are neither columns nor relations.
 */
export function fixtureRowProblems(schema: DatabaseSchema, table: string, rows: readonly Record<string, unknown>[]): string[] {
  const found = resolveTable(schema, table);
  if (!found) return [`"${table}" is not a table of the schema (tables: ${[...schema.tables.keys()].join(', ') || 'none'})`];
  const problems: string[] = [];
  rows.forEach((row, i) => {
    for (const key of unknownFields(found, row)) problems.push(`${table}[${i}]: "${key}" is not a column or relation of ${found.name}`);
  });
  return problems;
}

/**
 * The row with this primary key updated with the given fields, or inserted
 * (with its id and timestamps as given) when there is none. Fields are
 * columns, foreign-key columns or relations given as ids, as in the seed file.
 */
export async function upsertFixtureRow(db: Database, tableName: string, row: Record<string, unknown>): Promise<void> {
  const table = resolveTable(db.schema, tableName);
  if (!table) throw new ConfigError(fixtureRowProblems(db.schema, tableName, [row])[0]!);
  const pk = table.primaryKey.name;
  const id = row[pk];
  const existing = id === undefined || id === null ? undefined : await readFixtureRow(db, table.name, id);
  if (!existing) {
    const parsed = parseSeedRows({ [table.name]: [row] }, db.schema, 'state.tables', new Date());
    await insertRows(db, table, parsed.rows.get(table.name)!);
    return;
  }
  // Validate as a whole row (the stored one, overlaid), then write only the given fields.
  const parsed = parseSeedRows({ [table.name]: [{ ...existing, ...row }] }, db.schema, 'state.tables', new Date()).rows.get(table.name)![0]!;
  const given = new Set(Object.keys(row).map((key) => table.relations.get(key)?.foreignKeyColumn ?? key));
  const changes = new Map([...parsed].filter(([column]) => given.has(column) && column !== pk));
  if (changes.size === 0) return;
  await db.knex(db.physical(table.name)).where(pk, db.dialect.toDb(table.primaryKey, parsed.get(pk))).update(encodeRow(db.dialect, table, changes));
}

/** A row by primary key as a trusted `find()` returns it (every stored column), or undefined. */
export async function readFixtureRow(db: Database, table: string, id: unknown): Promise<Row | undefined> {
  const repository = db.repository(table);
  const found = await repository.find({ filter: { [repository.table.primaryKey.name]: { _eq: id } }, limit: 1 });
  return found.data[0];
}
