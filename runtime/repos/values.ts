/**
 * Turns a value a script (or the seed file) supplies for a column into the
 * column's canonical JavaScript value by its kind (schema.ts valueKind):
 * integer/number → number, string → string, boolean → boolean, datetime →
 * Date, json → any JSON value. Lenient where URLs force strings (`'1'` for an
 * integer, `'true'` for a boolean); strict otherwise, so nothing but a scalar
 * of the right kind ever reaches a bound parameter. Enfyra leaves this to the
 * database, whose verdicts differ (SQLite stores `'abc'` in an int column);
 * here every database gets the same 400.
 */
import { valueKind, type ColumnSchema } from './schema.ts';

/** Thrown with a short description of the problem; callers add where it happened. */
export class InvalidValue extends Error {
  override readonly name = 'InvalidValue';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** varchar columns are 255 characters, as Enfyra creates them. */
export const VARCHAR_LENGTH = 255;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;
const NUMBER_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
// MySQL's DATETIME range; kept on every dialect so values behave the same everywhere.
const MIN_TIME = Date.UTC(1000, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The canonical value, or null for null/undefined. Throws InvalidValue. */
export function toColumnValue(column: ColumnSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (valueKind(column)) {
    case 'integer':
      return toInteger(value, column.type === 'bigint');
    case 'number':
      return toNumber(value);
    case 'string':
      return toText(column, value);
    case 'boolean':
      return toBoolean(value);
    case 'datetime':
      return toDate(value);
    case 'json':
      if (JSON.stringify(value) === undefined) throw new InvalidValue(`expected a JSON value, got ${describe(value)}`);
      return value;
  }
}

function toText(column: ColumnSchema, value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else throw new InvalidValue(`expected a string, got ${describe(value)}`);
  if (column.type === 'varchar' && [...text].length > VARCHAR_LENGTH) {
    throw new InvalidValue(`longer than ${VARCHAR_LENGTH} characters`);
  }
  if (column.type === 'uuid' && !UUID.test(text)) throw new InvalidValue(`expected a uuid, got ${describe(value)}`);
  if (column.type === 'enum' && column.options && !column.options.includes(text)) {
    throw new InvalidValue(`${describe(value)} is not one of ${column.options.map((o) => JSON.stringify(o)).join(', ')}`);
  }
  return text;
}

/** Problem text for a value that is not valid for the column, or null (used for schema defaults). */
export function checkColumnValue(column: ColumnSchema, value: unknown): string | null {
  if (valueKind(column) === 'datetime' && value === 'now') return null;
  try {
    toColumnValue(column, value);
    return null;
  } catch (err) {
    if (err instanceof InvalidValue) return err.message;
    throw err;
  }
}

function toInteger(value: unknown, big: boolean): number {
  const n = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new InvalidValue(`expected an integer, got ${describe(value)}`);
  const inRange = big ? Number.isSafeInteger(n) : n >= INT32_MIN && n <= INT32_MAX;
  if (!inRange) throw new InvalidValue(`integer ${n} is out of range`);
  return n;
}

function toNumber(value: unknown): number {
  const n = typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidValue(`expected a number, got ${describe(value)}`);
  return n;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  throw new InvalidValue(`expected a boolean, got ${describe(value)}`);
}

function toDate(value: unknown): Date {
  let time: number;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'number') time = value;
  else if (typeof value === 'string') time = parseIsoDateTime(value);
  else throw new InvalidValue(`expected an ISO 8601 date-time, got ${describe(value)}`);
  if (!Number.isFinite(time) || time < MIN_TIME || time > MAX_TIME) {
    throw new InvalidValue(`date-time ${describe(value)} is invalid or outside 1000-01-01..9999-12-31`);
  }
  return new Date(time);
}

/** ISO 8601 only (no locale formats); a value without a zone is UTC, whatever the machine's zone. */
function parseIsoDateTime(text: string): number {
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) throw new InvalidValue(`expected an ISO 8601 date-time, got ${describe(text)}`);
  const [, y, mo, d, hh = '00', mi = '00', ss = '00', frac = '', zone = 'Z'] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const valid =
    day.getUTCFullYear() === Number(y) &&
    day.getUTCMonth() === Number(mo) - 1 &&
    day.getUTCDate() === Number(d) &&
    Number(hh) < 24 &&
    Number(mi) < 60 &&
    Number(ss) < 60;
  if (!valid) throw new InvalidValue(`${describe(text)} is not a valid date-time`);
  const ms = frac.padEnd(3, '0').slice(0, 3);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  return Date.parse(`${y}-${mo}-${d}T${hh}:${mi}:${ss}.${ms}${offset}`);
}

/** A value for an error message: JSON, cut short. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
