/**
 * Fixture fields that name database tables and columns, checked against the
 * schema before anything runs: a name the schema lacks (or a value its column
 * cannot hold) makes the fixture invalid, whatever the hook does with it.
 */
import type { DatabaseSchema, TableSchema } from '../repos/schema.ts';
import { checkColumnValue } from '../repos/values.ts';
import { isPlainObject } from '../shared/json-value.ts';
import { FixtureError } from './fixture-error.ts';
import type { PathSegment } from '../shared/field-path.ts';
import { asMatcher } from './matchers.ts';

export interface TableContext {
  schema: DatabaseSchema;
  /** Why there are no tables, when there are none: `no schema file (fixtures/schema.json not found)`. */
  noSchemaReason?: string;
}

export function checkTable(table: string, at: PathSegment[], context: TableContext): TableSchema {
  const found = context.schema.tables.get(table);
  if (found) return found;
  const known = [...context.schema.tables.keys()];
  const why = known.length > 0 ? `tables: ${known.join(', ')}` : (context.noSchemaReason ?? 'the schema has no tables');
  throw new FixtureError(at, `unknown table "${table}" (${why})`);
}

/** `state.tables`: rows to upsert, every column known and every value one its column can hold. */
export function checkStateTables(tables: Record<string, Record<string, unknown>[]>, at: PathSegment[], context: TableContext): void {
  for (const [name, rows] of Object.entries(tables)) {
    const table = checkTable(name, [...at, name], context);
    rows.forEach((row, i) => {
      for (const [column, value] of Object.entries(row)) {
        const where = [...at, name, i, column];
        const schema = checkColumn(table, column, where);
        const problem = value === undefined ? null : checkColumnValue(schema, value);
        if (problem) throw new FixtureError(where, `not a value for ${table.name}.${column}: ${problem}`);
        if (value === null && !schema.isNullable) throw new FixtureError(where, `${table.name}.${column} cannot be null`);
      }
    });
  }
}

/** `expect.tables`: expected rows by primary key; a row that is a matcher ($absent) names no columns. */
export function checkExpectedTables(tables: Record<string, Record<string, unknown>>, at: PathSegment[], context: TableContext): void {
  for (const [name, rows] of Object.entries(tables)) {
    const table = checkTable(name, [...at, name], context);
    for (const [id, row] of Object.entries(rows)) {
      if (!isPlainObject(row) || asMatcher(row) !== null) continue;
      for (const column of Object.keys(row)) checkColumn(table, column, [...at, name, id, column]);
    }
  }
}

function checkColumn(table: TableSchema, column: string, at: PathSegment[]) {
  const found = table.columns.get(column);
  if (!found) throw new FixtureError(at, `unknown column "${column}" of table "${table.name}" (columns: ${[...table.columns.keys()].join(', ')})`);
  return found;
}
