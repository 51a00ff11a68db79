/**
 * What a `find` reads: Enfyra's `fields` and `deep` options, normalised as
 * its repository does (modules/dynamic-api/utils/field-selection.util.ts:
 * `-col` exclusion becomes an explicit list, `rel.col` paths become `deep`
 * entries) and checked (kernel deep-options-validator.util.ts), then
 * resolved into the columns and relation loads of each level the way the
 * kernel's field expander and batch fetcher pick them
 * (query-builder/utils/sql/expand-fields.ts, sql-batch-adapter.ts).
 */
import { HttpError } from '../shared/http-errors.ts';
import { isPlainObject } from './row-values.ts';
import { isOwner, type ColumnSchema, type DatabaseSchema, type RelationSchema, type TableSchema } from './schema.ts';

/** Enfyra's default maximum query depth (settings.maxQueryDepth; shared/utils/constant.ts). */
export const MAX_QUERY_DEPTH = 7;
/** Dotted sort and filter paths inside `deep` may cross at most this many relations. */
const DOTTED_PATH_MAX_HOPS = 3;
const DEEP_KEYS = new Set(['fields', 'filter', 'sort', 'limit', 'page', 'deep']);

export interface DeepEntry {
  readonly fields?: unknown;
  readonly filter?: unknown;
  readonly sort?: unknown;
  readonly limit?: unknown;
  readonly page?: unknown;
  readonly deep?: unknown;
}
export type Deep = Record<string, DeepEntry>;

export interface Projection {
  /** Field tokens; undefined or empty: every stored column, relations not loaded (Enfyra's `select *`). */
  readonly fields: string[] | undefined;
  readonly deep: Deep;
}

/** `'a,b'`, `['a', 'b,c']` → trimmed tokens; undefined for no fields. */
export function fieldList(fields: unknown): string[] | undefined {
  if (fields === undefined || fields === null) return undefined;
  const values = Array.isArray(fields) ? fields : [fields];
  return values.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
}

export function normalizeProjection(schema: DatabaseSchema, table: TableSchema, fields: unknown, deep: unknown): Projection {
  const normalizedDeep = normalizeDeep(schema, table, isPlainObject(deep) ? (deep as Deep) : {});
  const tokens = fieldList(fields);
  if (!tokens || tokens.length === 0) return { fields: tokens, deep: normalizedDeep };
  const excluded = tokens.filter((t) => t.startsWith('-')).map((t) => t.slice(1).trim()).filter(Boolean);
  if (excluded.length === 0) return includeProjection(schema, table, tokens, normalizedDeep);
  return excludeProjection(schema, table, excluded, normalizedDeep);
}

/** `author.name` → root `author` and `deep.author.fields: ['name']`. */
function includeProjection(schema: DatabaseSchema, table: TableSchema, tokens: string[], deep: Deep): Projection {
  if (!tokens.some((t) => !t.startsWith('-') && t.includes('.'))) return { fields: tokens, deep };
  const all = tokens.includes('*');
  const root: string[] = [];
  let merged = deep;
  let rewrote = false;
  const addRoot = (name: string) => {
    if (!all && !root.includes(name)) root.push(name);
  };
  for (const token of tokens) {
    if (token === '*' || token.startsWith('-')) continue;
    const dot = token.indexOf('.');
    if (dot === -1) {
      addRoot(token);
      continue;
    }
    const relation = table.relations.get(token.slice(0, dot));
    const nested = token.slice(dot + 1);
    if (!relation || !nested) {
      addRoot(token);
      continue;
    }
    addRoot(relation.propertyName);
    const current = merged[relation.propertyName] ?? {};
    const currentFields = fieldList(current.fields) ?? [];
    const nextFields = currentFields.includes('*') ? currentFields : nested === '*' ? ['*'] : [...currentFields, nested];
    merged = { ...merged, [relation.propertyName]: { ...current, fields: nextFields } };
    rewrote = true;
  }
  if (!rewrote) return { fields: tokens, deep };
  return { fields: all ? ['*'] : root, deep: normalizeDeep(schema, table, merged) };
}

/** `-secret,-author.avatar`: every column and relation but the excluded ones. */
function excludeProjection(schema: DatabaseSchema, table: TableSchema, excluded: string[], deep: Deep): Projection {
  const root = new Set<string>();
  const nested = new Map<string, string[]>();
  for (const token of excluded) {
    if (token === '*') throw new HttpError(400, `Invalid excluded field '-*' on '${table.name}'. Exclude explicit fields instead.`);
    const dot = token.indexOf('.');
    if (dot === -1) {
      if (!table.columns.has(token) && !table.relations.has(token)) {
        throw new HttpError(400, `Unknown excluded field '${token}' on '${table.name}'.`);
      }
      root.add(token);
      continue;
    }
    const relationName = token.slice(0, dot);
    const path = token.slice(dot + 1);
    if (!relationName || !path) throw new HttpError(400, `Invalid excluded field '-${token}' on '${table.name}'.`);
    if (!table.relations.has(relationName)) throw new HttpError(400, `Unknown excluded relation '${relationName}' on '${table.name}'.`);
    nested.set(relationName, [...(nested.get(relationName) ?? []), path]);
  }
  let merged: Deep = { ...deep };
  for (const [relationName, paths] of nested) {
    if (root.has(relationName)) continue;
    const current = merged[relationName] ?? {};
    merged[relationName] = { ...current, fields: [...(fieldList(current.fields) ?? []), ...paths.map((p) => `-${p}`)] };
  }
  for (const name of root) if (table.relations.has(name)) delete merged[name];
  merged = normalizeDeep(schema, table, merged);
  const fields = [...table.columns.keys()].filter((c) => !root.has(c));
  if (!root.has(table.primaryKey.name) && !fields.includes(table.primaryKey.name)) fields.push(table.primaryKey.name);
  for (const name of table.relations.keys()) if (!root.has(name)) fields.push(name);
  return { fields, deep: merged };
}

function normalizeDeep(schema: DatabaseSchema, table: TableSchema, deep: Deep): Deep {
  const out: Deep = {};
  for (const [name, entry] of Object.entries(deep)) {
    const relation = table.relations.get(name);
    if (!relation) throw new HttpError(400, `Unknown relation '${name}' on '${table.name}' in deep projection.`);
    const target = schema.tables.get(relation.targetTable)!;
    const e = isPlainObject(entry) ? (entry as DeepEntry) : {};
    const inner = normalizeProjection(schema, target, e.fields, e.deep);
    out[name] = {
      ...e,
      ...(inner.fields !== undefined ? { fields: inner.fields } : {}),
      ...(Object.keys(inner.deep).length > 0 ? { deep: inner.deep } : {}),
    };
  }
  return out;
}

/** Enfyra's validateDeepOptions: known relations and keys, limit only on to-many relations, bounded depth and paths. */
export function validateDeep(schema: DatabaseSchema, table: TableSchema, deep: Deep, depth = 0, maxDepth = MAX_QUERY_DEPTH): void {
  if (Object.keys(deep).length === 0) return;
  if (depth >= maxDepth) throw new HttpError(400, `deep option exceeds maximum query depth of ${maxDepth}`);
  for (const [key, entry] of Object.entries(deep)) {
    const relation = table.relations.get(key);
    if (!relation) throw new HttpError(400, `Unknown relation '${key}' on '${table.name}'`);
    if (!isPlainObject(entry)) continue;
    for (const sub of Object.keys(entry)) {
      if (!DEEP_KEYS.has(sub)) {
        throw new HttpError(400, `Unknown deep option key '${sub}' for relation '${key}'. Allowed: ${[...DEEP_KEYS].join(', ')}`);
      }
    }
    const where = `(relation '${key}' on '${table.name}')`;
    if (entry.limit !== undefined && isOwner(relation)) {
      throw new HttpError(400, `'limit' not supported on many-to-one/one-to-one relations ${where}`);
    }
    if (entry.page !== undefined && entry.limit === undefined) throw new HttpError(400, `'page' requires 'limit' to be present ${where}`);
    const target = schema.tables.get(relation.targetTable)!;
    if (isPlainObject(entry.filter)) checkFilterHops(entry.filter, 0, where);
    for (const token of fieldList(entry.sort) ?? []) {
      checkSortPath(schema, target, token.startsWith('-') ? token.slice(1) : token, where);
    }
    if (isPlainObject(entry.deep)) validateDeep(schema, target, entry.deep as Deep, depth + 1, maxDepth);
  }
}

function checkSortPath(schema: DatabaseSchema, table: TableSchema, path: string, where: string): void {
  const parts = path.split('.');
  if (parts.length - 1 > DOTTED_PATH_MAX_HOPS) {
    throw new HttpError(400, `Sort path '${path}' exceeds max dotted hops of ${DOTTED_PATH_MAX_HOPS} ${where}`);
  }
  let current = table;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (current.columns.has(part)) {
      if (!last) throw new HttpError(400, `Sort path '${path}' references column '${part}' in non-terminal position ${where}`);
      return;
    }
    const relation = current.relations.get(part);
    if (!relation) throw new HttpError(400, `Sort path '${path}' references unknown field '${part}' on '${current.name}' ${where}`);
    if (!last) {
      if (!isOwner(relation) && relation.type !== 'one-to-one') {
        throw new HttpError(400, `Sort path '${path}' passes through '${part}' which is a ${relation.type} relation — sort path must only traverse many-to-one or one-to-one (owner-side) relations ${where}`);
      }
      current = schema.tables.get(relation.targetTable)!;
    }
  }
}

function checkFilterHops(filter: Record<string, unknown>, hops: number, where: string): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '_and' || key === '_or' || key === '_not') {
      for (const item of Array.isArray(value) ? value : [value]) if (isPlainObject(item)) checkFilterHops(item, hops, where);
      continue;
    }
    if (key.startsWith('_') || !isPlainObject(value)) continue;
    const nested = Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('_')));
    if (Object.keys(nested).length === 0) continue;
    if (hops + 1 > DOTTED_PATH_MAX_HOPS) throw new HttpError(400, `Filter path exceeds max dotted hops of ${DOTTED_PATH_MAX_HOPS} at '${key}' ${where}`);
    checkFilterHops(nested, hops + 1, where);
  }
}

/** One relation to load for the rows of a level, with its own options from `deep`. */
export interface RelationLoad {
  readonly relation: RelationSchema;
  readonly target: TableSchema;
  /** Field tokens for the related rows. */
  readonly fields: string[];
  readonly filter?: unknown;
  readonly sort?: unknown;
  readonly limit?: number;
  readonly page?: number;
  readonly deep?: Deep;
}

export interface Level {
  /** Columns read, in output order. */
  readonly columns: readonly ColumnSchema[];
  /** Relations loaded, in the order their keys are added. */
  readonly relations: readonly RelationLoad[];
}

/** The root level (expand-fields.ts): tokens as given; no primary key added; unknown names skipped. */
export function rootLevel(schema: DatabaseSchema, table: TableSchema, tokens: string[], deep: Deep, warn: (name: string) => void): Level {
  const byRelation = new Map<string, string[]>();
  const rootTokens: string[] = [];
  for (const token of tokens) {
    const dot = token.indexOf('.');
    if (token === '*' || dot === -1) rootTokens.push(token);
    else byRelation.set(token.slice(0, dot), [...(byRelation.get(token.slice(0, dot)) ?? []), token.slice(dot + 1)]);
  }
  const columns: ColumnSchema[] = [];
  for (const token of rootTokens) {
    if (token === '*') {
      columns.push(...storedColumns(table));
      for (const name of table.relations.keys()) if (!byRelation.has(name)) byRelation.set(name, ['id']);
      continue;
    }
    const column = table.columns.get(token);
    if (column) columns.push(column);
    else if (table.relations.has(token)) {
      if (!byRelation.has(token)) byRelation.set(token, ['id']);
    } else warn(token);
  }
  return { columns, relations: relationLoads(schema, table, byRelation, deep, warn) };
}

/** A related level (sql-batch-adapter resolveFields): `*` or named columns, the primary key always. */
export function relatedLevel(schema: DatabaseSchema, load: RelationLoad, warn: (name: string) => void): Level {
  const table = load.target;
  const subRelations = new Map<string, string[]>();
  const rootTokens: string[] = [];
  for (const token of load.fields) {
    const dot = token.indexOf('.');
    if (token === '*' || dot === -1) rootTokens.push(token);
    else subRelations.set(token.slice(0, dot), [...(subRelations.get(token.slice(0, dot)) ?? []), token.slice(dot + 1)]);
  }
  const columns: ColumnSchema[] = [];
  if (rootTokens.includes('*')) {
    columns.push(...storedColumns(table));
    for (const name of table.relations.keys()) if (!subRelations.has(name)) subRelations.set(name, ['id']);
  } else {
    for (const token of rootTokens) {
      const column = table.columns.get(token);
      if (column) columns.push(column);
      else if (table.relations.has(token)) {
        if (!subRelations.has(token)) subRelations.set(token, ['id']);
      } else warn(`${load.relation.propertyName}.${token}`);
    }
  }
  if (!columns.includes(table.primaryKey)) columns.push(table.primaryKey);
  return { columns, relations: relationLoads(schema, table, subRelations, load.deep ?? {}, warn) };
}

/** `*`: the columns a row shows, without the foreign-key columns its relations stand for. */
function storedColumns(table: TableSchema): ColumnSchema[] {
  return [...table.columns.values()].filter((c) => c.relation === undefined || !isOwner(table.relations.get(c.relation)!));
}

function relationLoads(schema: DatabaseSchema, table: TableSchema, byRelation: Map<string, string[]>, deep: Deep, warn: (name: string) => void): RelationLoad[] {
  const loads: RelationLoad[] = [];
  for (const [name, nested] of byRelation) {
    const relation = table.relations.get(name);
    if (!relation) {
      warn(`${name}.${nested[0]}`);
      continue;
    }
    const entry = deep[name] ?? {};
    const limit = numberOption(entry.limit);
    const page = numberOption(entry.page);
    loads.push({
      relation,
      target: schema.tables.get(relation.targetTable)!,
      fields: entry.fields != null ? (fieldList(entry.fields) ?? []) : nested,
      ...(entry.filter !== undefined ? { filter: entry.filter } : {}),
      ...(entry.sort !== undefined ? { sort: entry.sort } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(page !== undefined ? { page } : {}),
      ...(isPlainObject(entry.deep) ? { deep: entry.deep as Deep } : {}),
    });
  }
  return loads;
}

function numberOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
