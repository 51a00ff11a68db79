/**
 * Executes a read the way Enfyra's SQL query executor and batch fetcher do
 * (kernel query-builder/executors/sql-query-executor.ts,
 * query-dsl/batch-fetch-engine.ts, utils/sql/sql-batch-adapter.ts): one
 * query for the rows, then one query per relation per level for all rows
 * at once (never one per row), each relation with its own `deep`
 * fields/filter/sort/limit; `meta` and `aggregate` on request.
 */
import type { Knex } from 'knex';
import { HttpError } from '../shared/http-errors.ts';
import { executeAggregate } from './aggregate.ts';
import type { DbValue } from './dialect.ts';
import { physicalColumns } from './ddl.ts';
import { compileFilter, type Condition, type QueryContext } from './filter.ts';
import {
  MAX_QUERY_DEPTH,
  relatedLevel,
  rootLevel,
  type Deep,
  type Level,
  type RelationLoad,
} from './projection.ts';
import { orderTerms, type OrderTerm } from './sort.ts';
import { isOwner, type ColumnSchema, type TableSchema } from './schema.ts';

export type Row = Record<string, unknown>;

export interface FindResult {
  data: Row[];
  meta?: { totalCount?: number; filterCount?: number; aggregate?: Record<string, Record<string, unknown>> };
}

export interface ReadRequest {
  readonly table: TableSchema;
  /** Field tokens; undefined or empty: Enfyra's `select *` (stored columns, no relations). */
  readonly fields: string[] | undefined;
  readonly deep: Deep;
  readonly filter: unknown;
  readonly sort: unknown;
  readonly page: unknown;
  readonly limit: unknown;
  readonly meta: unknown;
  readonly aggregate: unknown;
}

const ROOT = 'r0';
/** Ids per `in (...)` list: far below every dialect's bound-parameter limit. */
const CHUNK = 1000;

export async function executeRead(ctx: QueryContext, request: ReadRequest): Promise<FindResult> {
  const { table } = request;
  const { knex, physical } = ctx.target;
  const condition = compileFilter(ctx, table, ROOT, request.filter);
  const limit = parseCount(request.limit);
  const page = parseCount(request.page);
  const limitValue = limit === undefined ? undefined : Math.max(0, limit);
  const offset = page && limitValue !== undefined ? (page - 1) * limitValue : 0;
  if (offset < 0) throw new Error('A non-negative integer must be provided to offset.');

  const raw = !request.fields || request.fields.length === 0;
  const unknown = (name: string) =>
    ctx.warn('repos.unknown-field', `fields: "${name}" is not a column or relation of "${table.name}"; Enfyra leaves it out of the result`);
  const level: Level = raw ? { columns: physicalColumns(table), relations: [] } : rootLevel(ctx.target.schema, table, request.fields!, request.deep, unknown);

  const query = knex({ [ROOT]: physical(table.name) });
  selectLevel(knex, query, ROOT, level);
  where(query, condition);
  for (const term of orderTerms(ctx, table, ROOT, request.sort)) query.orderByRaw(term.sql, [...term.bindings]);
  if (offset) query.offset(offset);
  if (limitValue) query.limit(limitValue);
  const rows = decodeRows(ctx, level, (await query) as Row[]);
  await loadRelations(ctx, table, rows, level.relations, 0);

  const metaParts = (Array.isArray(request.meta) ? request.meta : typeof request.meta === 'string' ? request.meta.split(',') : [])
    .map((p) => String(p).trim())
    .filter(Boolean);
  const wantsTotal = metaParts.includes('totalCount') || metaParts.includes('*');
  const wantsFilter = metaParts.includes('filterCount') || metaParts.includes('*');
  const aggregate = await executeAggregate(ctx, table, request.filter, request.aggregate);
  const result: FindResult = { data: rows };
  if (metaParts.length === 0 && !aggregate) return result;
  const meta: NonNullable<FindResult['meta']> = {};
  // Enfyra reads both counts off the returned rows, so a page past the end reports 0.
  if (wantsTotal) meta.totalCount = rows.length === 0 ? 0 : await count(knex, physical(table.name), null);
  if (wantsFilter) meta.filterCount = rows.length === 0 ? 0 : await count(knex, physical(table.name), condition);
  if (aggregate) meta.aggregate = aggregate;
  result.meta = meta;
  return result;
}

/** Enfyra's parseInt of a limit or page; NaN is "not given". */
function parseCount(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? Number.parseInt(value, 10) : typeof value === 'number' ? Math.trunc(value) : Number.NaN;
  return Number.isNaN(n) ? undefined : n;
}

async function count(knex: Knex, physical: string, condition: Condition | null): Promise<number> {
  const query = knex({ [ROOT]: physical }).count({ n: '*' });
  where(query, condition);
  const [row] = (await query) as Row[];
  return Number(row!.n);
}

function where(query: Knex.QueryBuilder, condition: Condition | null): void {
  if (condition) query.whereRaw(condition.sql, [...condition.bindings]);
}

/** The level's columns, then `<foreign key> as <relation>` for each owning relation it loads. */
function selectLevel(knex: Knex, query: Knex.QueryBuilder, alias: string, level: Level): void {
  const items: Knex.Raw[] = level.columns.map((c) => knex.raw('?? as ??', [`${alias}.${c.name}`, c.name]));
  for (const load of level.relations) {
    if (isOwner(load.relation)) items.push(knex.raw('?? as ??', [`${alias}.${load.relation.foreignKeyColumn}`, load.relation.propertyName]));
  }
  query.select(items);
}

/** Rows as scripts see them: the level's columns, then the owning relations' raw ids (replaced when loaded). */
function decodeRows(ctx: QueryContext, level: Level, rawRows: Row[], extra: (raw: Row, out: Row) => void = () => {}): Row[] {
  const { dialect } = ctx.target;
  return rawRows.map((raw) => {
    const out: Row = {};
    for (const column of level.columns) out[column.name] = dialect.fromDb(column, raw[column.name]);
    for (const load of level.relations) {
      if (!isOwner(load.relation)) continue;
      const fk = load.relation.foreignKeyColumn!;
      const column = level.columns.find((c) => c.name === fk) ?? fkColumn(load);
      out[load.relation.propertyName] = dialect.fromDb(column, raw[load.relation.propertyName]);
    }
    extra(raw, out);
    return out;
  });
}

function fkColumn(load: RelationLoad): ColumnSchema {
  return { ...load.target.primaryKey, isPrimary: false, isGenerated: false, name: load.relation.foreignKeyColumn! };
}

async function loadRelations(ctx: QueryContext, table: TableSchema, rows: Row[], loads: readonly RelationLoad[], depth: number): Promise<void> {
  if (rows.length === 0 || loads.length === 0 || depth >= MAX_QUERY_DEPTH) return;
  for (const load of loads) {
    if (isOwner(load.relation)) await loadOwner(ctx, table, rows, load, depth);
    else await loadToMany(ctx, table, rows, load, depth);
  }
}

const warnUnknown = (ctx: QueryContext, load: RelationLoad) => (name: string) =>
  ctx.warn('repos.unknown-field', `fields: "${name}" is not a column or relation of "${load.target.name}"; Enfyra leaves it out of the result`);

/** many-to-one / owning one-to-one: the related rows by primary key, one query for all rows. */
async function loadOwner(ctx: QueryContext, table: TableSchema, rows: Row[], load: RelationLoad, depth: number): Promise<void> {
  const key = load.relation.propertyName;
  const fk = load.relation.foreignKeyColumn!;
  const dropFk = (row: Row) => {
    if (fk !== key) delete row[fk];
  };
  const ids = unique(rows.map((r) => r[key]));
  const level = relatedLevel(ctx.target.schema, load, warnUnknown(ctx, load));
  const pk = load.target.primaryKey;
  if (ids.length === 0 || (level.columns.length === 1 && level.columns[0] === pk && level.relations.length === 0)) {
    for (const row of rows) {
      row[key] = row[key] === null || row[key] === undefined ? null : { [pk.name]: row[key] };
      dropFk(row);
    }
    return;
  }
  void table;
  const alias = `l${depth}`;
  const { knex, physical, dialect } = ctx.target;
  const filter = compileFilter(ctx, load.target, alias, load.filter, { relations: false });
  const order = load.sort === undefined ? [] : orderTerms(ctx, load.target, alias, load.sort);
  const related: Row[] = [];
  for (const chunk of chunks(ids)) {
    const query = knex({ [alias]: physical(load.target.name) }).whereIn(`${alias}.${pk.name}`, chunk.map((id) => dialect.toDb(pk, id)));
    selectLevel(knex, query, alias, level);
    where(query, filter);
    for (const term of order) query.orderByRaw(term.sql, [...term.bindings]);
    related.push(...decodeRows(ctx, level, (await query) as Row[]));
  }
  await loadRelations(ctx, load.target, related, level.relations, depth + 1);
  const byId = new Map(related.map((r) => [String(r[pk.name]), r]));
  for (const row of rows) {
    const id = row[key];
    row[key] = id === null || id === undefined ? null : (byId.get(String(id)) ?? null);
    dropFk(row);
  }
}

/** one-to-many, inverse one-to-one and many-to-many: the related rows of all parents, one query (per chunk of parents). */
async function loadToMany(ctx: QueryContext, table: TableSchema, rows: Row[], load: RelationLoad, depth: number): Promise<void> {
  const parentKey = table.primaryKey.name;
  if (!rows.some((r) => parentKey in r)) {
    ctx.warn(
      'repos.relation-needs-key',
      `fields name the ${load.relation.type} relation "${load.relation.propertyName}" but not "${parentKey}": Enfyra loads it by the ids it read, so it is left out; add "${parentKey}" to fields`,
    );
    return;
  }
  const parentIds = unique(rows.map((r) => r[parentKey]));
  if (parentIds.length === 0) return;
  const { knex, physical, dialect } = ctx.target;
  const level = relatedLevel(ctx.target.schema, load, warnUnknown(ctx, load));
  const pk = load.target.primaryKey;
  const junction = load.relation.junction;
  const grouped = new Map<string, Row[]>();
  const add = (parent: unknown, row: Row) => {
    const k = String(parent);
    grouped.set(k, [...(grouped.get(k) ?? []), row]);
  };
  const parentColumn = table.primaryKey;

  if (junction && level.columns.length === 1 && level.columns[0] === pk && level.relations.length === 0 && load.filter === undefined && load.limit === undefined) {
    for (const chunk of chunks(parentIds)) {
      const links = (await knex(physical(junction.table))
        .select({ s: junction.sourceColumn, t: junction.targetColumn })
        .whereIn(junction.sourceColumn, chunk.map((id) => dialect.toDb(parentColumn, id)))
        .orderBy(junction.targetColumn, 'asc')) as Row[];
      for (const link of links) add(dialect.fromDb(parentColumn, link.s), { [pk.name]: dialect.fromDb(pk, link.t) });
    }
  } else {
    const alias = `l${depth}`;
    const filter = compileFilter(ctx, load.target, alias, load.filter, { relations: false });
    const order: OrderTerm[] = orderTerms(ctx, load.target, alias, load.sort);
    const groupRef = junction ? `j${depth}.${junction.sourceColumn}` : `${alias}.${load.relation.foreignKeyColumn}`;
    const related: Row[] = [];
    for (const chunk of chunks(parentIds)) {
      let query = knex({ [alias]: physical(load.target.name) });
      if (junction) query = query.join({ [`j${depth}`]: physical(junction.table) }, `j${depth}.${junction.targetColumn}`, `${alias}.${pk.name}`);
      selectLevel(knex, query, alias, level);
      query.select(knex.raw('?? as ??', [groupRef, '__parent']));
      query.whereIn(groupRef, chunk.map((id) => dialect.toDb(parentColumn, id)));
      where(query, filter);
      const rawRows = load.limit === undefined ? await ordered(query, order) : await limitedPerParent(knex, query, order, groupRef, load);
      related.push(...decodeRows(ctx, level, rawRows, (raw, out) => add(dialect.fromDb(parentColumn, raw.__parent), out)));
    }
    await loadRelations(ctx, load.target, related, level.relations, depth + 1);
  }
  const single = load.relation.type === 'one-to-one';
  for (const row of rows) {
    const children = grouped.get(String(row[parentKey])) ?? [];
    row[load.relation.propertyName] = single ? (children[0] ?? null) : children;
  }
}

async function ordered(query: Knex.QueryBuilder, order: readonly OrderTerm[]): Promise<Row[]> {
  for (const term of order) query.orderByRaw(term.sql, [...term.bindings]);
  return (await query) as Row[];
}

/** `deep.rel.limit` / `page`: each parent's first rows, numbered per parent with a window function. */
async function limitedPerParent(knex: Knex, query: Knex.QueryBuilder, order: readonly OrderTerm[], groupRef: string, load: RelationLoad): Promise<Row[]> {
  const limit = Math.max(0, load.limit!);
  if (limit === 0) return [];
  const offset = load.page ? Math.max(0, (load.page - 1) * limit) : 0;
  const orderSql = order.map((t) => t.sql).join(', ');
  const orderBindings: DbValue[] = order.flatMap((t) => [...t.bindings]);
  query.select(knex.raw(`row_number() over (partition by ?? order by ${orderSql}) as ??`, [groupRef, ...orderBindings, '__rn']));
  return (await knex
    .select('*')
    .from(query.as('ranked'))
    .where('__rn', '>', offset)
    .andWhere('__rn', '<=', offset + limit)
    .orderBy([{ column: '__parent' }, { column: '__rn' }])) as Row[];
}

function unique(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    if (v === null || v === undefined || seen.has(String(v))) continue;
    seen.add(String(v));
    out.push(v);
  }
  return out;
}

function chunks<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

export { HttpError };
