/**
 * Compiles an Enfyra filter (`{ price: { _gt: 10 }, _or: [...] }`) into one
 * SQL condition for knex's whereRaw. Column names are resolved against the
 * schema and bound as identifiers (`??`); every value is a bound parameter
 * (`?`), validated for its column first. The SQL text itself is only ever
 * assembled from the constant fragments below.
 */
import { HttpError } from '../shared/http-errors.ts';
import type { DbValue, Dialect } from './dialect.ts';
import type { ColumnSchema, TableSchema } from './schema.ts';
import { columnOf, columnValue, isPlainObject } from './row-write.ts';

export interface Condition {
  readonly sql: string;
  /** Column names (for `??`) and values (for `?`). */
  readonly bindings: readonly DbValue[];
}

const TRUE: Condition = { sql: '1 = 1', bindings: [] };
const FALSE: Condition = { sql: '1 = 0', bindings: [] };
const MAX_DEPTH = 32;
const MAX_LIST = 10_000;
/** Escape character for LIKE patterns: not special in any dialect's string syntax, unlike backslash. */
const LIKE_ESCAPE = '!';

const OPERATORS = [
  '_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_between', '_in', '_not_in',
  '_contains', '_starts_with', '_ends_with', '_is_null', '_is_not_null',
] as const;
type Operator = (typeof OPERATORS)[number];

export function compileFilter(table: TableSchema, dialect: Dialect, filter: unknown): Condition {
  if (filter === undefined || filter === null) return TRUE;
  return new FilterCompiler(table, dialect).group(filter, 0);
}

class FilterCompiler {
  private readonly table: TableSchema;
  private readonly dialect: Dialect;

  constructor(
    table: TableSchema,
    dialect: Dialect,
  ) {
    this.table = table;
    this.dialect = dialect;
  }

  private fail(message: string): never {
    throw new HttpError(400, `${this.table.name}: filter: ${message}`);
  }

  /** An object of AND-ed entries: columns and logical operators. */
  group(filter: unknown, depth: number): Condition {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    if (!isPlainObject(filter)) this.fail(`expected an object, got ${Array.isArray(filter) ? 'an array' : typeof filter}`);
    const parts: Condition[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === '_and' || key === '_or') {
        const list = this.subFilters(key, value).map((sub) => this.group(sub, depth + 1));
        parts.push(key === '_and' ? and(list) : or(list));
      } else if (key === '_not') {
        parts.push(not(this.group(value, depth + 1)));
      } else if ((OPERATORS as readonly string[]).includes(key) && !this.table.columns.has(key)) {
        this.fail(`operator "${key}" must be given per column: { column: { ${key}: value } }`);
      } else {
        parts.push(this.column(columnOf(this.table, key), value));
      }
    }
    return and(parts);
  }

  private subFilters(key: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) this.fail(`${key} expects an array of filters`);
    return value;
  }

  /** `{ col: value }` is `_eq`; `{ col: { _op: value, ... } }` AND-s its operators. */
  private column(column: ColumnSchema, spec: unknown): Condition {
    if (!isPlainObject(spec)) {
      if (Array.isArray(spec)) this.fail(`"${column.name}": use { _in: [...] } to match a list`);
      return this.operator(column, '_eq', spec);
    }
    const entries = Object.entries(spec);
    // Usually `{ id: { _eq: someUndefined } }`, which arrives as `{ id: {} }`: matching every row would hide the bug.
    if (entries.length === 0) this.fail(`"${column.name}": no operator given (was its value undefined?)`);
    const parts: Condition[] = [];
    for (const [op, value] of entries) {
      if (!(OPERATORS as readonly string[]).includes(op)) {
        this.fail(`unknown operator "${op}" on "${column.name}" (relation filters are not supported)`);
      }
      parts.push(this.operator(column, op as Operator, value));
    }
    return and(parts);
  }

  private operator(column: ColumnSchema, op: Operator, value: unknown): Condition {
    const where = `${op} on "${column.name}"`;
    if (op === '_is_null' || op === '_is_not_null') {
      const flag = value === true || value === 'true' ? true : value === false || value === 'false' ? false : null;
      if (flag === null) this.fail(`${where} expects true or false`);
      return { sql: flag === (op === '_is_null') ? '?? is null' : '?? is not null', bindings: [column.name] };
    }
    if ((op === '_eq' || op === '_neq') && value === null) {
      return { sql: op === '_eq' ? '?? is null' : '?? is not null', bindings: [column.name] };
    }
    if (column.type === 'json') this.fail(`${where}: json columns support only _is_null and _is_not_null`);

    switch (op) {
      case '_eq':
        return { sql: '?? = ?', bindings: [column.name, this.bind(column, value, where)] };
      case '_neq':
        return { sql: '?? <> ?', bindings: [column.name, this.bind(column, value, where)] };
      case '_gt':
      case '_gte':
      case '_lt':
      case '_lte': {
        const sign = { _gt: '>', _gte: '>=', _lt: '<', _lte: '<=' }[op];
        return {
          sql: `${this.dialect.ordered(column)} ${sign} ?`,
          bindings: [column.name, this.bind(column, value, where)],
        };
      }
      case '_between': {
        const range = this.list(value, where);
        if (range.length !== 2) this.fail(`${where} expects two values [from, to]`);
        return {
          sql: `${this.dialect.ordered(column)} between ? and ?`,
          bindings: [column.name, ...range.map((v) => this.bind(column, v, where))],
        };
      }
      case '_in':
      case '_not_in': {
        const items = this.list(value, where);
        if (items.length === 0) return op === '_in' ? FALSE : TRUE;
        if (items.length > MAX_LIST) this.fail(`${where}: more than ${MAX_LIST} values`);
        const marks = items.map(() => '?').join(', ');
        return {
          sql: `?? ${op === '_in' ? 'in' : 'not in'} (${marks})`,
          bindings: [column.name, ...items.map((v) => this.bind(column, v, where))],
        };
      }
      case '_contains':
      case '_starts_with':
      case '_ends_with': {
        if (column.type !== 'string' && column.type !== 'text') this.fail(`${where}: only for string and text columns`);
        if (typeof value !== 'string' && typeof value !== 'number') this.fail(`${where} expects a string`);
        const text = escapeLike(String(value).toLowerCase());
        const pattern = op === '_contains' ? `%${text}%` : op === '_starts_with' ? `${text}%` : `%${text}`;
        // Case-insensitive on every dialect; SQLite's lower() is replaced by a Unicode-aware one (connection.ts).
        return { sql: `lower(??) like ? escape '${LIKE_ESCAPE}'`, bindings: [column.name, pattern] };
      }
    }
  }

  private bind(column: ColumnSchema, value: unknown, where: string): DbValue {
    if (value === null || value === undefined) this.fail(`${where} needs a value (use _is_null for nulls)`);
    return this.dialect.toDb(column, columnValue(this.table, column, value));
  }

  /** An array, or (as Enfyra accepts from query strings) "a,b,c" or a JSON array in a string. */
  private list(value: unknown, where: string): unknown[] {
    if (Array.isArray(value)) return value;
    if (typeof value === 'string') {
      const text = value.trim();
      if (text.startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (Array.isArray(parsed)) return parsed;
        } catch {
          // fall through to the error
        }
        this.fail(`${where}: not a valid JSON array`);
      }
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    }
    this.fail(`${where} expects an array`);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (ch) => LIKE_ESCAPE + ch);
}

function and(parts: Condition[]): Condition {
  if (parts.some((p) => p === FALSE)) return FALSE;
  return join(parts.filter((p) => p !== TRUE), 'and', TRUE);
}

function or(parts: Condition[]): Condition {
  if (parts.some((p) => p === TRUE)) return TRUE;
  return join(parts.filter((p) => p !== FALSE), 'or', FALSE);
}

function not(part: Condition): Condition {
  if (part === TRUE) return FALSE;
  if (part === FALSE) return TRUE;
  return { sql: `not (${part.sql})`, bindings: part.bindings };
}

function join(parts: Condition[], word: 'and' | 'or', empty: Condition): Condition {
  if (parts.length === 0) return empty;
  if (parts.length === 1) return parts[0]!;
  return { sql: parts.map((p) => `(${p.sql})`).join(` ${word} `), bindings: parts.flatMap((p) => p.bindings) };
}
