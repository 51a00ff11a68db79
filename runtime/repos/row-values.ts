/**
 * Values for columns and relations as scripts and seed files give them:
 * canonical column values (values.ts) with 400s that name the column,
 * defaults, generated keys, and the id a relation value points at.
 */
import { v7 as uuidv7 } from 'uuid';
import { HttpError } from '../shared/http-errors.ts';
import { isPlainObject } from '../shared/json-value.ts';
import { valueKind, type ColumnSchema, type TableSchema } from './schema.ts';
import { InvalidValue, toColumnValue } from './values.ts';

export type RowValues = Map<string, unknown>;

export { isPlainObject };

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

/** The value a column gets when a new row does not give one; undefined when it has none (NULL or generated). */
export function defaultValue(table: TableSchema, column: ColumnSchema, now: Date): unknown {
  if (column.isPrimary && column.isGenerated) return column.type === 'uuid' ? uuidv7() : undefined;
  if (column.defaultValue === undefined) return undefined;
  if (column.defaultValue === 'now' && valueKind(column) === 'datetime') return now;
  return columnValue(table, column, column.defaultValue);
}

/**
 * The id a relation value names, as Enfyra's relation transformer reads it:
 * `5`, `'5'` or `{ id: 5 }`; null for null; undefined for anything else (an
 * object without an id, which Enfyra creates as a new related row).
 */
export function referencedId(value: unknown): unknown {
  if (value === null) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (isPlainObject(value) && value.id !== undefined && value.id !== null) return value.id;
  return undefined;
}
