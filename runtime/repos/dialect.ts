/**
 * What differs between SQLite, PostgreSQL and MySQL/MariaDB once a value has
 * been validated (values.ts): how it is bound, how it reads back, and the few
 * SQL fragments that are not portable. Everything here aims at one observable
 * behaviour on all three: booleans as booleans, datetimes as ISO strings,
 * JSON as parsed values, strings compared and sorted by code point.
 */
import { valueKind, type ColumnSchema } from './schema.ts';
import { InvalidValue, toColumnValue } from './values.ts';

export type DatabaseClient = 'sqlite' | 'pg' | 'mysql';

/** What is ever bound as a parameter: scalars only, so a value can never change the shape of a statement. */
export type DbValue = string | number | boolean | null | Date;

export interface Dialect {
  readonly client: DatabaseClient;
  /** The bound parameter for a canonical value (see values.ts). */
  toDb(column: ColumnSchema, value: unknown): DbValue;
  /** The value a script sees for what the driver returned. */
  fromDb(column: ColumnSchema, raw: unknown): unknown;
  /**
   * The column (bound with `??`) as used for ordering, in ORDER BY and in
   * `_gt`-style comparisons: strings compare by code point on every dialect.
   */
  ordered(column: ColumnSchema): string;
  /** ORDER BY suffix placing NULLs first ascending and last descending, as SQLite and MySQL do. */
  nullsOrder(direction: 'asc' | 'desc'): string;
}

const isTextual = (c: ColumnSchema) => valueKind(c) === 'string' && c.type !== 'uuid';

function fromDbCommon(column: ColumnSchema, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (valueKind(column)) {
    case 'boolean':
      return raw === true || raw === 1 || raw === '1' || raw === 't';
    case 'integer':
    case 'number':
      // pg returns bigint (and numeric) as strings.
      return typeof raw === 'number' ? raw : Number(raw);
    case 'datetime':
      return readDateTime(column, raw);
    case 'json':
      // simple-json is stored as text on every database, as Enfyra stores it.
      return typeof raw === 'string' ? parseJsonText(raw) : raw;
    default:
      return raw;
  }
}

/**
 * Script value -> driver value. JSON is always sent as a string (node-pg would
 * turn a JS array into a PostgreSQL array literal); SQLite keeps datetimes as
 * ISO text; SQLite and MySQL keep booleans as 0/1.
 */
function toDbWith(options: { datetimeAsText: boolean; booleanAsInteger: boolean }): Dialect['toDb'] {
  return (column, value) => {
    if (value === null) return null;
    const kind = valueKind(column);
    if (kind === 'json') return JSON.stringify(value);
    if (options.datetimeAsText && kind === 'datetime') return (value as Date).toISOString();
    if (options.booleanAsInteger && kind === 'boolean') return value ? 1 : 0;
    return value as DbValue;
  };
}

function readDateTime(column: ColumnSchema, raw: unknown): unknown {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
  try {
    return (toColumnValue(column, raw) as Date).toISOString();
  } catch (err) {
    // Written by something else in a format we do not read: show it as stored.
    if (err instanceof InvalidValue) return raw;
    throw err;
  }
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const sqlite: Dialect = {
  client: 'sqlite',
  toDb: toDbWith({ datetimeAsText: true, booleanAsInteger: true }),
  fromDb: fromDbCommon,
  // BINARY collation is code point order; NULLs already sort first.
  ordered: () => '??',
  nullsOrder: () => '',
};

const pg: Dialect = {
  client: 'pg',
  toDb: toDbWith({ datetimeAsText: false, booleanAsInteger: false }),
  fromDb: fromDbCommon,
  ordered: (column) => (isTextual(column) ? '?? collate "C"' : '??'),
  nullsOrder: (direction) => (direction === 'asc' ? ' nulls first' : ' nulls last'),
};

const mysql: Dialect = {
  client: 'mysql',
  toDb: toDbWith({ datetimeAsText: false, booleanAsInteger: true }),
  fromDb: fromDbCommon,
  // String columns are created with a binary collation (ddl.ts); NULLs already sort first.
  ordered: () => '??',
  nullsOrder: () => '',
};

const DIALECTS: Record<DatabaseClient, Dialect> = { sqlite, pg, mysql };

export function dialectFor(client: DatabaseClient): Dialect {
  return DIALECTS[client];
}
