/**
 * `aggregate: { price: { sum: true, avg: { _gt: 5 } }, reviews: { countRecords: { rating: { _gte: 4 } } } }`
 * → `meta.aggregate.price.sum`, ... as Enfyra computes them
 * (kernel query-builder/utils/aggregate-query.util.ts and the executor's
 * executeAggregate): count/sum/avg/min/max over the rows the filter
 * matches (and the operation's own condition on its field), countRecords
 * of a relation's rows related to them.
 */
import { HttpError } from '../shared/http-errors.ts';
import { compileFilter, FIELD_OPERATORS, type Condition, type QueryContext } from './filter.ts';
import { isPlainObject } from './row-values.ts';
import { isOwner, valueKind, type TableSchema } from './schema.ts';

const OPERATIONS = new Set(['count', 'sum', 'avg', 'min', 'max', 'countRecords']);
const OPERATOR_SET: ReadonlySet<string> = new Set(FIELD_OPERATORS);

interface Operation {
  readonly field: string;
  readonly op: string;
  readonly condition: Record<string, unknown>;
}

function aggregateError(message: string): never {
  throw new HttpError(400, message);
}

/** Validates and lists the operations (normalizeAggregateQuery); none for an absent or empty aggregate. */
function operations(ctx: QueryContext, table: TableSchema, aggregate: unknown): Operation[] {
  if (!isPlainObject(aggregate) || Object.keys(aggregate).length === 0) return [];
  const out: Operation[] = [];
  for (const [field, config] of Object.entries(aggregate)) {
    if (!isPlainObject(config)) aggregateError(`aggregate.${field}: aggregate field config must be an object`);
    const column = table.columns.get(field);
    const relation = table.relations.get(field);
    if (!column && !relation) aggregateError(`Unknown aggregate field or relation "${field}" on table "${table.name}"`);
    const entries = Object.entries(config).filter(([op]) => op !== 'as');
    if (entries.length === 0) aggregateError(`aggregate.${field}: aggregate field must define at least one operation`);
    for (const [op, input] of entries) {
      if (!OPERATIONS.has(op)) aggregateError(`Unsupported aggregate operation "${op}"`);
      if (input !== true && !isPlainObject(input)) aggregateError(`aggregate.${op} condition must be true or an object`);
      const condition = input === true ? {} : (input as Record<string, unknown>);
      if (relation && op !== 'countRecords') aggregateError(`aggregate.${op} is not supported on relation "${field}"; use countRecords`);
      if (column && op === 'countRecords') aggregateError(`aggregate.countRecords requires a relation, but "${field}" is a field`);
      if (column && (op === 'sum' || op === 'avg') && !['integer', 'number'].includes(valueKind(column))) {
        aggregateError(`aggregate.${op} requires a numeric field, but "${field}" is "${column.type}"`);
      }
      if (column && Object.keys(condition).some((k) => !OPERATOR_SET.has(k))) {
        aggregateError(`aggregate.${op} condition for "${field}" only supports field operators`);
      }
      if (relation) checkCountRecordsCondition(ctx, ctx.target.schema.tables.get(relation.targetTable)!, condition);
      out.push({ field, op, condition });
    }
  }
  return out;
}

/** validateRelationCountRecordsCondition: fields of the related table, field operators, _and/_or/_not. */
function checkCountRecordsCondition(ctx: QueryContext, table: TableSchema, condition: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(condition)) {
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value)) aggregateError(`aggregate.countRecords ${key} condition must be an array`);
      for (const item of value as unknown[]) {
        if (!isPlainObject(item)) aggregateError(`aggregate.countRecords ${key} items must be objects`);
        checkCountRecordsCondition(ctx, table, item as Record<string, unknown>);
      }
      continue;
    }
    if (key === '_not') {
      if (!isPlainObject(value)) aggregateError('aggregate.countRecords _not condition must be an object');
      checkCountRecordsCondition(ctx, table, value as Record<string, unknown>);
      continue;
    }
    if (key.startsWith('_')) aggregateError(`Unsupported aggregate.countRecords condition key "${key}"`);
    const column = table.columns.get(key);
    const relation = table.relations.get(key);
    if (!column && !relation) aggregateError(`Unknown aggregate.countRecords field or relation "${key}" on table "${table.name}"`);
    if (!isPlainObject(value)) aggregateError(`aggregate.countRecords condition for "${key}" must be an object`);
    if (column) {
      if (Object.keys(value as object).some((op) => !OPERATOR_SET.has(op))) {
        aggregateError(`aggregate.countRecords condition for "${key}" only supports field operators`);
      }
      continue;
    }
    checkCountRecordsCondition(ctx, ctx.target.schema.tables.get(relation!.targetTable)!, value as Record<string, unknown>);
  }
}

export async function executeAggregate(
  ctx: QueryContext,
  table: TableSchema,
  baseFilter: unknown,
  aggregate: unknown,
): Promise<Record<string, Record<string, unknown>> | undefined> {
  const ops = operations(ctx, table, aggregate);
  if (ops.length === 0) return undefined;
  const { knex, physical, dialect } = ctx.target;
  const base = isPlainObject(baseFilter) && Object.keys(baseFilter).length > 0 ? baseFilter : null;
  const out: Record<string, Record<string, unknown>> = {};
  for (const operation of ops) {
    let value: unknown;
    if (operation.op === 'countRecords') {
      value = await countRecords(ctx, table, base, operation);
    } else {
      const clauses = [base, Object.keys(operation.condition).length > 0 ? { [operation.field]: operation.condition } : null].filter(Boolean);
      const filter = clauses.length === 0 ? {} : clauses.length === 1 ? clauses[0] : { _and: clauses };
      const query = knex({ a0: physical(table.name) });
      const condition = compileFilter(ctx, table, 'a0', filter);
      if (condition) query.whereRaw(condition.sql, [...condition.bindings]);
      const expression =
        operation.op === 'count'
          ? knex.raw('count(*) as ??', ['value'])
          : knex.raw(`${operation.op}(??) as ??`, [`a0.${operation.field}`, 'value']);
      const row = (await query.select(expression).first()) as { value?: unknown } | undefined;
      const raw = row?.value ?? 0;
      const column = table.columns.get(operation.field)!;
      value =
        raw === null || operation.op === 'count' || operation.op === 'avg' || operation.op === 'sum'
          ? raw === null ? null : Number(raw)
          : dialect.fromDb(column, raw);
    }
    (out[operation.field] ??= {})[operation.op] = value;
  }
  return out;
}

/** Rows of the relation's table related to the filtered rows (and matching the operation's condition). */
async function countRecords(ctx: QueryContext, table: TableSchema, base: object | null, operation: Operation): Promise<number> {
  const { knex, physical, schema } = ctx.target;
  const relation = table.relations.get(operation.field)!;
  const target = schema.tables.get(relation.targetTable)!;
  const parents = knex({ p0: physical(table.name) }).select(`p0.${table.primaryKey.name}`);
  const parentCondition: Condition | null = base ? compileFilter(ctx, table, 'p0', base) : null;
  if (parentCondition) parents.whereRaw(parentCondition.sql, [...parentCondition.bindings]);
  const query = knex({ c0: physical(target.name) }).count({ value: '*' });
  const condition = compileFilter(ctx, target, 'c0', operation.condition);
  if (condition) query.whereRaw(condition.sql, [...condition.bindings]);
  if (relation.junction) {
    query.whereIn(
      `c0.${target.primaryKey.name}`,
      knex(physical(relation.junction.table)).select(relation.junction.targetColumn).whereIn(relation.junction.sourceColumn, parents),
    );
  } else if (isOwner(relation)) {
    const referenced = knex({ p1: physical(table.name) }).select(`p1.${relation.foreignKeyColumn}`).whereNotNull(`p1.${relation.foreignKeyColumn}`);
    if (parentCondition) referenced.whereIn(`p1.${table.primaryKey.name}`, parents);
    query.whereIn(`c0.${target.primaryKey.name}`, referenced);
  } else {
    query.whereIn(`c0.${relation.foreignKeyColumn}`, parents);
  }
  const [row] = (await query) as Array<{ value: unknown }>;
  return Number(row?.value ?? 0);
}
