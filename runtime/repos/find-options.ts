/**
 * Parses the options objects of find/create/update/delete. Every field name
 * is resolved to a schema column here, so the query builder only ever sees
 * columns, never script text.
 */
import { HttpError } from '../shared/http-errors.ts';
import type { ColumnSchema, TableSchema } from './schema.ts';
import { columnOf, isPlainObject } from './row-write.ts';

export const DEFAULT_LIMIT = 10;
const META_KEYS = ['totalCount', 'filterCount'] as const;
export type MetaKey = (typeof META_KEYS)[number];

export interface SortTerm {
  readonly column: ColumnSchema;
  readonly direction: 'asc' | 'desc';
}

export interface FindQuery {
  readonly filter: unknown;
  readonly columns: readonly ColumnSchema[];
  readonly sort: readonly SortTerm[];
  /** 0 = no limit. */
  readonly limit: number;
  readonly offset: number;
  readonly meta: ReadonlySet<MetaKey>;
}

/** Checks that `options` is an object (or absent) with only the given keys. */
export function optionsObject(
  table: TableSchema,
  method: string,
  options: unknown,
  allowed: readonly string[],
): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw new HttpError(400, `${table.name}.${method}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new HttpError(
        400,
        `${table.name}.${method}: unknown option "${key}" (supported: ${allowed.join(', ')})`,
      );
    }
  }
  return options;
}

export function parseFind(table: TableSchema, options: unknown): FindQuery {
  const o = optionsObject(table, 'find', options, ['filter', 'where', 'fields', 'sort', 'limit', 'page', 'meta']);
  if (o.filter != null && o.where != null) {
    throw new HttpError(400, `${table.name}.find: pass either "filter" or "where", not both`);
  }
  const limit = nonNegativeInt(table, 'limit', o.limit, DEFAULT_LIMIT);
  const page = nonNegativeInt(table, 'page', o.page, 1);
  if (page < 1) throw new HttpError(400, `${table.name}.find: "page" starts at 1`);
  return {
    filter: o.filter ?? o.where,
    columns: parseFields(table, o.fields),
    sort: parseSort(table, o.sort),
    limit,
    offset: limit === 0 ? 0 : (page - 1) * limit,
    meta: parseMeta(table, o.meta),
  };
}

/** `'id,name'`, `['id', 'name']`, `'*'` or nothing (all columns, in schema order). */
export function parseFields(table: TableSchema, fields: unknown): ColumnSchema[] {
  const names = nameList(table, 'fields', fields);
  if (names.length === 0 || names.includes('*')) return [...table.columns.values()];
  return [...new Set(names.map((name) => columnOf(table, name, 'field')))];
}

function parseSort(table: TableSchema, sort: unknown): SortTerm[] {
  const terms: SortTerm[] = [];
  for (const raw of nameList(table, 'sort', sort)) {
    const descending = raw.startsWith('-');
    const column = columnOf(table, descending ? raw.slice(1).trim() : raw, 'sort field');
    if (column.type === 'json') throw new HttpError(400, `${table.name}: cannot sort by the json column "${column.name}"`);
    terms.push({ column, direction: descending ? 'desc' : 'asc' });
  }
  // The primary key last, so equal sort values come back in the same order on every dialect.
  if (!terms.some((t) => t.column === table.primaryKey)) terms.push({ column: table.primaryKey, direction: 'asc' });
  return terms;
}

function parseMeta(table: TableSchema, meta: unknown): Set<MetaKey> {
  const names = nameList(table, 'meta', meta);
  if (names.includes('*')) return new Set(META_KEYS);
  for (const name of names) {
    if (!(META_KEYS as readonly string[]).includes(name)) {
      throw new HttpError(400, `${table.name}.find: unknown meta "${name}" (use totalCount, filterCount or *)`);
    }
  }
  return new Set(names as MetaKey[]);
}

/** A comma-separated string or an array of strings, trimmed, empties dropped. */
function nameList(table: TableSchema, option: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (parts === null || parts.some((p) => typeof p !== 'string')) {
    throw new HttpError(400, `${table.name}: "${option}" must be a comma-separated string or an array of strings`);
  }
  return (parts as string[]).map((p) => p.trim()).filter((p) => p !== '');
}

function nonNegativeInt(table: TableSchema, option: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new HttpError(400, `${table.name}.find: "${option}" must be a non-negative integer`);
  }
  return n;
}
