/**
 * Validates the `data` of a create or update against the table and returns
 * the canonical values to write: unknown columns, wrong types, nulls in
 * required columns and over-long strings are 400s; defaults and the managed
 * `createdAt`/`updatedAt` are filled in. Seeding goes through here too.
 */
import { HttpError } from '../shared/http-errors.ts';
import { isPlainObject } from '../shared/json-value.ts';
import type { ColumnSchema, TableSchema } from './schema.ts';
import { InvalidValue, toColumnValue } from './values.ts';

export type RowValues = Map<string, unknown>;

// Its users in repos/ import it from here.
export { isPlainObject };


export function unknownColumn(table: TableSchema, name: string, what = 'column'): HttpError {
  return new HttpError(400, `unknown ${what} "${name}" in table "${table.name}"`);
}

/** The column for a name a script used; Map lookup, so `__proto__` and friends are simply unknown. */
export function columnOf(table: TableSchema, name: string, what = 'column'): ColumnSchema {
  const column = table.columns.get(name);
  if (!column) throw unknownColumn(table, name, what);
  return column;
}

/** toColumnValue with a 400 that names the column. */
export function columnValue(table: TableSchema, column: ColumnSchema, value: unknown): unknown {
  try {
    return toColumnValue(column, value);
  } catch (err) {
    if (err instanceof InvalidValue) {
      throw new HttpError(400, `invalid value for ${table.name}.${column.name}: ${err.message}`);
    }
    throw err;
  }
}

function dataObject(table: TableSchema, data: unknown): Record<string, unknown> {
  if (!isPlainObject(data)) {
    throw new HttpError(400, `${table.name}: "data" must be an object of column values`);
  }
  return data;
}

function writeValue(table: TableSchema, column: ColumnSchema, value: unknown): unknown {
  const canonical = columnValue(table, column, value);
  if (canonical === null && !column.nullable) {
    throw new HttpError(400, `${table.name}.${column.name} cannot be null`);
  }
  if (column.length !== undefined && typeof canonical === 'string' && [...canonical].length > column.length) {
    throw new HttpError(400, `${table.name}.${column.name} is longer than ${column.length} characters`);
  }
  return canonical;
}

function defaultValue(table: TableSchema, column: ColumnSchema, now: Date): unknown {
  if (column.managed || (column.type === 'datetime' && column.default === 'now')) return now;
  return column.default === undefined ? undefined : columnValue(table, column, column.default);
}

export function prepareInsert(table: TableSchema, data: unknown, now: Date): RowValues {
  const given = dataObject(table, data);
  const row: RowValues = new Map();
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    row.set(name, writeValue(table, columnOf(table, name), value));
  }
  for (const column of table.columns.values()) {
    if (row.has(column.name) || column.type === 'increments') continue;
    const fallback = defaultValue(table, column, now);
    if (fallback !== undefined) row.set(column.name, fallback);
    else if (!column.nullable) throw new HttpError(400, `${table.name}: missing required field "${column.name}"`);
  }
  return row;
}

/**
 * `id` is the canonical primary key of the row being updated. The key may
 * appear in `data` (scripts often send a whole row back) but must not change.
 */
export function prepareUpdate(table: TableSchema, data: unknown, id: unknown, now: Date): RowValues {
  const given = dataObject(table, data);
  const pk = table.primaryKey;
  const row: RowValues = new Map();
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const column = columnOf(table, name);
    const canonical = writeValue(table, column, value);
    if (column === pk) {
      if (canonical !== id) throw new HttpError(400, `${table.name}: the primary key "${pk.name}" cannot be changed`);
      continue;
    }
    row.set(name, canonical);
  }
  const updatedAt = table.columns.get('updatedAt');
  if (updatedAt?.managed && !row.has('updatedAt')) row.set('updatedAt', now);
  return row;
}
