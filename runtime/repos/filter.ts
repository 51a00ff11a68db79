/**
 * Compiles an Enfyra filter (`{ price: { _gt: 10 }, author: { name: 'x' },
 * _or: [...] }`) into one SQL condition for knex's whereRaw, with Enfyra's
 * semantics (kernel query-dsl/filter-parser.ts, filter-sanitizer.util.ts,
 * query-builder/utils/sql/relation-filter.util.ts and render-filter.ts):
 *
 * - `{ f: value }` is `_eq`; `{ f: null }` is IS NULL, but `{ f: { _eq: null } }`
 *   compares with NULL and matches nothing (warned).
 * - A relation holds a nested filter on its target, matched through EXISTS;
 *   `{ rel: { _eq: 5 } }` means `{ rel: { id: { _eq: 5 } } }`, and on a
 *   many-to-one that reads the foreign-key column directly.
 * - An unknown field is skipped (warned); an unknown `_operator` is a 400.
 * - Empty `_and`/`_or`/`_not` and `_between` without two values add no condition.
 *
 * Column names come from the schema and are bound as identifiers (`??`);
 * every value is a bound parameter (`?`), validated for its column first.
 * The SQL text itself is only ever assembled from the constant fragments below.
 */
import { HttpError } from '../shared/http-errors.ts';
import type { DbValue } from './dialect.ts';
import type { TableTarget } from './ddl.ts';
import { columnValue, isPlainObject } from './row-values.ts';
import { isOwner, valueKind, type ColumnSchema, type RelationSchema, type TableSchema } from './schema.ts';
import { FOLD_FROM, FOLD_TO, foldText } from './text-fold.ts';

export interface Condition {
  readonly sql: string;
  /** Column names (for `??`) and values (for `?`), in order. */
  readonly bindings: readonly DbValue[];
}

export interface QueryContext {
  readonly target: TableTarget;
  warn(code: string, message: string): void;
}

export const FIELD_OPERATORS = [
  '_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_in', '_not_in', '_nin',
  '_contains', '_starts_with', '_ends_with', '_between', '_is_null', '_is_not_null',
] as const;
type Operator = (typeof FIELD_OPERATORS)[number];
const OPERATORS: ReadonlySet<string> = new Set(FIELD_OPERATORS);
const LOGICAL = ['_and', '_or', '_not'];
const SUPPORTED = [...LOGICAL, ...FIELD_OPERATORS].join(', ');
/** The operators `{ rel: { _op: v } }` reads as a condition on the related id. */
const ID_OPERATORS = new Set(['_is_null', '_is_not_null', '_eq', '_neq', '_in', '_not_in', '_nin', '_gt', '_gte', '_lt', '_lte']);
const MAX_DEPTH = 32;
const MAX_LIST = 10_000;

const NEVER: Condition = { sql: '1 = 0', bindings: [] };

export interface FilterOptions {
  /**
   * false in `deep` filters: Enfyra's relation loader renders only the
   * target's own columns there and skips relation conditions (warned).
   */
  readonly relations: boolean;
}

/** Enfyra's 400 for an operator it does not know (filter-sanitizer.util.ts). */
export function unsupportedOperator(operator: string, field: string, table: string): HttpError {
  return new HttpError(
    400,
    `Unsupported filter operator "${operator}" on field "${field}" (table "${table}"). Supported operators: ${SUPPORTED}.`,
  );
}

/** The condition for `filter` on rows of `table` named `alias` in the query, or null when it adds none. */
export function compileFilter(
  ctx: QueryContext,
  table: TableSchema,
  alias: string,
  filter: unknown,
  options: FilterOptions = { relations: true },
): Condition | null {
  if (filter === undefined || filter === null) return null;
  if (!isPlainObject(filter)) {
    ctx.warn('repos.filter-not-object', `filter is ${Array.isArray(filter) ? 'an array' : `a ${typeof filter}`}, not an object: Enfyra ignores it and returns every row`);
    return null;
  }
  return new FilterCompiler(ctx, options).group(table, alias, filter, 0);
}

class FilterCompiler {
  private readonly ctx: QueryContext;
  private readonly options: FilterOptions;
  private aliases = 0;

  constructor(ctx: QueryContext, options: FilterOptions) {
    this.ctx = ctx;
    this.options = options;
  }

  /** An object of AND-ed entries: fields, relations and logical operators. */
  group(table: TableSchema, alias: string, filter: Record<string, unknown>, depth: number): Condition | null {
    if (depth > MAX_DEPTH) throw new HttpError(400, `${table.name}: filter nested deeper than ${MAX_DEPTH} levels`);
    const parts: Condition[] = [];
    for (const [key, value] of Object.entries(filter)) {
      const part = this.entry(table, alias, key, value, depth);
      if (part) parts.push(part);
    }
    return join(parts, 'and');
  }

  private entry(table: TableSchema, alias: string, key: string, value: unknown, depth: number): Condition | null {
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value)) return null;
      const parts = value
        .filter(isPlainObject)
        .map((item) => this.group(table, alias, item, depth + 1))
        .filter((c): c is Condition => c !== null);
      return join(parts, key === '_and' ? 'and' : 'or');
    }
    if (key === '_not') {
      if (!isPlainObject(value)) return null;
      const inner = this.group(table, alias, value, depth + 1);
      return inner && { sql: `not (${inner.sql})`, bindings: inner.bindings };
    }
    const relation = table.relations.get(key);
    if (relation) return this.relation(table, alias, relation, value, depth);
    const column = table.columns.get(key);
    if (column) return this.field(table, alias, column, value);
    if (key.startsWith('_')) throw unsupportedOperator(key, key, table.name);
    this.ctx.warn(
      'repos.unknown-filter-field',
      `filter field "${key}" is not a column or relation of "${table.name}": Enfyra skips the condition, so it matches as if it were not there`,
    );
    return null;
  }

  /** `{ col: value }`, `{ col: null }` or `{ col: { _op: value, ... } }` (operators AND-ed). */
  private field(table: TableSchema, alias: string, column: ColumnSchema, spec: unknown): Condition | null {
    const ref = `${alias}.${column.name}`;
    if (spec === null) return { sql: '?? is null', bindings: [ref] };
    if (Array.isArray(spec)) {
      throw new HttpError(400, `${table.name}: filter on "${column.name}" is a list: use { "${column.name}": { "_in": [...] } }`);
    }
    if (!isPlainObject(spec)) return this.operator(table, alias, column, '_eq', spec);
    for (const key of Object.keys(spec)) if (key.startsWith('_') && !OPERATORS.has(key)) throw unsupportedOperator(key, column.name, table.name);
    const entries = Object.entries(spec).filter(([key]) => OPERATORS.has(key));
    if (entries.length === 0) {
      throw new HttpError(400, `${table.name}: filter on "${column.name}" is an object without an operator (${FIELD_OPERATORS.join(', ')})`);
    }
    return join(
      entries.map(([op, value]) => this.operator(table, alias, column, op as Operator, value)).filter((c): c is Condition => c !== null),
      'and',
    );
  }

  private operator(table: TableSchema, alias: string, column: ColumnSchema, op: Operator, value: unknown): Condition | null {
    const ref = `${alias}.${column.name}`;
    const where = `${op} on "${column.name}"`;
    const dialect = this.ctx.target.dialect;
    if (op === '_is_null' || op === '_is_not_null') {
      if (typeof value !== 'boolean') {
        this.ctx.warn('repos.is-null-not-boolean', `${where} is given ${JSON.stringify(value)}, not true or false: Enfyra treats anything but true as false`);
      }
      return { sql: (value === true) === (op === '_is_null') ? '?? is null' : '?? is not null', bindings: [ref] };
    }
    if (value === undefined) throw new HttpError(400, `${table.name}: ${where} has no value (was it undefined?)`);
    if (value === null && (op === '_eq' || op === '_neq')) {
      this.ctx.warn(
        'repos.eq-null',
        `${where} compares with NULL, which matches no row in Enfyra: use { "${column.name}": null } or { "_is_null": true }`,
      );
      return NEVER;
    }
    if (valueKind(column) === 'json' && op !== '_contains' && op !== '_starts_with' && op !== '_ends_with') {
      throw new HttpError(400, `${table.name}: ${where}: ${column.type} columns support only _is_null, _is_not_null and the text operators`);
    }
    switch (op) {
      case '_eq':
      case '_neq':
      case '_gt':
      case '_gte':
      case '_lt':
      case '_lte': {
        const sign = { _eq: '=', _neq: '<>', _gt: '>', _gte: '>=', _lt: '<', _lte: '<=' }[op];
        const lhs = op === '_eq' || op === '_neq' ? '??' : dialect.ordered(column);
        return { sql: `${lhs} ${sign} ?`, bindings: [ref, this.bind(table, column, value, where)] };
      }
      case '_between': {
        if (!Array.isArray(value) || value.length !== 2) {
          this.ctx.warn('repos.between-ignored', `${where} needs an array of two values; Enfyra ignores anything else and adds no condition`);
          return null;
        }
        return {
          sql: `${dialect.ordered(column)} between ? and ?`,
          bindings: [ref, ...value.map((v) => this.bind(table, column, v, where))],
        };
      }
      case '_in':
      case '_not_in':
      case '_nin': {
        const items = Array.isArray(value) ? value : typeof value === 'string' && value.includes(',') ? value.split(',').map((v) => v.trim()) : [value];
        if (items.length === 0) return op === '_in' ? NEVER : null;
        if (items.length > MAX_LIST) throw new HttpError(400, `${table.name}: ${where}: more than ${MAX_LIST} values`);
        return {
          sql: `?? ${op === '_in' ? 'in' : 'not in'} (${items.map(() => '?').join(', ')})`,
          bindings: [ref, ...items.map((v) => this.bind(table, column, v, where))],
        };
      }
      case '_contains':
      case '_starts_with':
      case '_ends_with': {
        if (valueKind(column) !== 'string' && valueKind(column) !== 'json') throw new HttpError(400, `${table.name}: ${where}: only for text columns`);
        if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `${table.name}: ${where} expects a string`);
        const text = foldText(String(value));
        if (/[%_]/.test(text)) {
          this.ctx.warn('repos.like-wildcard', `${where}: "%" and "_" in the value are LIKE wildcards in Enfyra (not escaped), so they match any text`);
        }
        const pattern = op === '_contains' ? `%${text}%` : op === '_starts_with' ? `${text}%` : `%${text}`;
        const folded = dialect.client === 'sqlite' ? 'enfyra_fold(??)' : dialect.client === 'pg' ? 'translate(lower(??), ?, ?)' : 'lower(??) collate utf8mb4_general_ci';
        const foldBindings = dialect.client === 'pg' ? [ref, FOLD_FROM, FOLD_TO] : [ref];
        return { sql: `${folded} like ?`, bindings: [...foldBindings, pattern] };
      }
    }
  }

  private bind(table: TableSchema, column: ColumnSchema, value: unknown, where: string): DbValue {
    if (value === null || value === undefined) throw new HttpError(400, `${table.name}: ${where} needs a value (use _is_null for nulls)`);
    return this.ctx.target.dialect.toDb(column, columnValue(table, column, value));
  }

  private relation(table: TableSchema, alias: string, relation: RelationSchema, value: unknown, depth: number): Condition | null {
    const where = `"${relation.propertyName}" on "${table.name}"`;
    if (!this.options.relations) {
      this.ctx.warn('repos.deep-relation-filter-ignored', `the deep filter on relation ${where} is skipped: Enfyra's relation loader applies only the related table's own columns`);
      return null;
    }
    if (!isPlainObject(value)) {
      if (Array.isArray(value)) throw new HttpError(400, `${table.name}: filter on relation "${relation.propertyName}" is a list: use { "${relation.propertyName}": { "id": { "_in": [...] } } }`);
      this.ctx.warn(
        'repos.relation-filter-scalar',
        `filter on relation ${where} is ${JSON.stringify(value)}: Enfyra skips it; write { "${relation.propertyName}": { "_eq": ${JSON.stringify(value)} } } or { "${relation.propertyName}": { "id": ... } }`,
      );
      return null;
    }
    const keys = Object.keys(value);
    for (const key of keys) if (key.startsWith('_') && !OPERATORS.has(key)) throw unsupportedOperator(key, relation.propertyName, table.name);
    let nested: Record<string, unknown> = value;
    if (keys.some((k) => k.startsWith('_'))) {
      if (keys.length !== 1 || !ID_OPERATORS.has(keys[0]!)) {
        throw new HttpError(400, `${table.name}: filter on relation "${relation.propertyName}" mixes operators with fields: use { "${relation.propertyName}": { "id": { ... } } }`);
      }
      nested = { id: value };
    }
    const target = this.ctx.target.schema.tables.get(relation.targetTable)!;
    if (isOwner(relation)) {
      const direct = this.foreignKeyCondition(table, alias, relation, target, nested);
      if (direct) return direct;
    }
    if (!isOwner(relation) && keys.length === 1 && keys[0] === '_is_null' && value._is_null === true) {
      this.ctx.warn(
        'repos.relation-is-null',
        `{ ${relation.propertyName}: { _is_null: true } } on a ${relation.type} relation matches no row in Enfyra (it looks for a related row whose id is null)`,
      );
    }
    return this.exists(table, alias, relation, target, nested, depth);
  }

  /**
   * `{ id: { _op } }` on a many-to-one or owning one-to-one reads the
   * foreign-key column. As Enfyra does, only the first operator present (in
   * the order below) is applied.
   */
  private foreignKeyCondition(
    table: TableSchema,
    alias: string,
    relation: RelationSchema,
    target: TableSchema,
    nested: Record<string, unknown>,
  ): Condition | null {
    const keys = Object.keys(nested);
    if (keys.length !== 1 || keys[0] !== 'id' || !isPlainObject(nested.id)) return null;
    const idFilter = nested.id;
    const ops = Object.keys(idFilter);
    if (ops.length === 0 || !ops.every((k) => ID_OPERATORS.has(k))) return null;
    const ref = `${alias}.${relation.foreignKeyColumn}`;
    const key = target.primaryKey;
    const fk = table.columns.get(relation.foreignKeyColumn!)!;
    const flag = (v: unknown) => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : null);
    const bind = (v: unknown) => this.ctx.target.dialect.toDb(fk, columnValue(target, key, v));
    const order = ['_is_null', '_is_not_null', '_eq', '_neq', '_in', '_not_in', '_gt', '_gte', '_lt', '_lte'];
    let applied: string | null = null;
    let condition: Condition | null = null;
    for (const op of order) {
      const raw = op === '_not_in' ? (idFilter._not_in ?? idFilter._nin) : idFilter[op];
      if (raw === undefined) continue;
      if (op === '_is_null' || op === '_is_not_null') {
        const f = flag(raw);
        if (f === null) continue;
        condition = { sql: f === (op === '_is_null') ? '?? is null' : '?? is not null', bindings: [ref] };
      } else if (raw === null) {
        this.ctx.warn('repos.eq-null', `${relation.propertyName}: ${op} null compares with NULL, which matches no row in Enfyra: use { "_is_null": true }`);
        condition = NEVER;
      } else if (op === '_in' || op === '_not_in') {
        const items = Array.isArray(raw) ? raw : [raw];
        if (items.length === 0) condition = op === '_in' ? NEVER : { sql: '1 = 1', bindings: [] };
        else condition = { sql: `?? ${op === '_in' ? 'in' : 'not in'} (${items.map(() => '?').join(', ')})`, bindings: [ref, ...items.map(bind)] };
      } else {
        const sign = { _eq: '=', _neq: '<>', _gt: '>', _gte: '>=', _lt: '<', _lte: '<=' }[op as '_eq'];
        condition = { sql: `?? ${sign} ?`, bindings: [ref, bind(raw)] };
      }
      applied = op;
      break;
    }
    if (ops.length > 1) {
      this.ctx.warn(
        'repos.relation-id-operators',
        `filter on ${relation.propertyName}.id gives ${ops.join(', ')}: Enfyra applies only ${applied ?? 'none'} to a many-to-one relation; use _and for several conditions`,
      );
    }
    return condition;
  }

  /** EXISTS (a related row matching the nested filter). */
  private exists(
    table: TableSchema,
    alias: string,
    relation: RelationSchema,
    target: TableSchema,
    nested: Record<string, unknown>,
    depth: number,
  ): Condition {
    const physical = this.ctx.target.physical;
    const t = `f${++this.aliases}`;
    const inner = this.group(target, t, nested, depth + 1);
    const targetKey = `${t}.${target.primaryKey.name}`;
    const ownKey = `${alias}.${table.primaryKey.name}`;
    let sql: string;
    let bindings: DbValue[];
    if (relation.junction) {
      const j = `f${++this.aliases}`;
      sql = 'select 1 from ?? as ?? join ?? as ?? on ?? = ?? where ?? = ??';
      bindings = [
        physical(relation.junction.table), j, physical(target.name), t,
        `${j}.${relation.junction.targetColumn}`, targetKey,
        `${j}.${relation.junction.sourceColumn}`, ownKey,
      ];
    } else if (isOwner(relation)) {
      sql = 'select 1 from ?? as ?? where ?? = ??';
      bindings = [physical(target.name), t, targetKey, `${alias}.${relation.foreignKeyColumn}`];
    } else {
      sql = 'select 1 from ?? as ?? where ?? = ??';
      bindings = [physical(target.name), t, `${t}.${relation.foreignKeyColumn}`, ownKey];
    }
    if (inner) {
      sql += ` and (${inner.sql})`;
      bindings = [...bindings, ...inner.bindings];
    }
    return { sql: `exists (${sql})`, bindings };
  }
}

function join(parts: Condition[], word: 'and' | 'or'): Condition | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0]!;
  return { sql: parts.map((p) => `(${p.sql})`).join(` ${word} `), bindings: parts.flatMap((p) => p.bindings) };
}
