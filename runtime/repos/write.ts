/**
 * Inserts, updates and deletes with Enfyra's cascade rules (engines/knex:
 * knex-hook-manager.service.ts, relation-transformer.ts, field-stripper.ts,
 * cascade-handler.ts, entity-manager.ts):
 *
 * - relation values become foreign keys: a many-to-one or owning one-to-one
 *   as an id, numeric string, `{ id }` or null; an object without an id is
 *   created in the related table first;
 * - many-to-many: the junction rows are replaced by the listed ids (`[1, 2]`
 *   or `[{ id }]`; objects without an id are created);
 * - one-to-many: listed children point at the row (new ones are created),
 *   children no longer listed are detached (their reference set to null);
 * - keys that are neither columns nor relations are dropped (warned: Enfyra
 *   drops them silently); createdAt/updatedAt are set here, whatever the
 *   script gives; an update never writes the primary key or a column marked
 *   `isUpdatable: false`.
 */
import { HttpError } from '../shared/http-errors.ts';
import { encodeRow, syncSequence } from './ddl.ts';
import type { QueryContext } from './filter.ts';
import { columnValue, defaultValue, isPlainObject, referencedId, type RowValues } from './row-values.ts';
import { isOwner, valueKind, type RelationSchema, type TableSchema } from './schema.ts';

export interface WriteContext extends QueryContext {
  /** Called before a related row is created or updated by a cascade (field permissions of `main`/`secure`). */
  checkNested?(table: TableSchema, action: 'create' | 'update', data: Record<string, unknown>): void;
}

type Data = Record<string, unknown>;

/** Values Enfyra keeps aside for the cascade: arrays and objects (dates excepted). */
function relationData(data: Data): Data {
  const out: Data = {};
  for (const [key, value] of Object.entries(data)) {
    if (Array.isArray(value) || (value !== null && typeof value === 'object' && !(value instanceof Date))) out[key] = value;
  }
  return out;
}

/** Relation keys → foreign-key columns (relation-transformer.ts); the others are left to the cascade. */
function relationsToForeignKeys(ctx: WriteContext, table: TableSchema, data: Data): Data {
  const out: Data = { ...data };
  for (const relation of table.relations.values()) {
    const name = relation.propertyName;
    if (!(name in out)) continue;
    const value = out[name];
    delete out[name];
    if (!isOwner(relation)) continue;
    const id = referencedId(value);
    if (id !== undefined) out[relation.foreignKeyColumn!] = id;
    else if (!isPlainObject(value) && !(relation.type === 'many-to-one' && Array.isArray(value))) {
      ctx.warn('repos.relation-value-ignored', `${table.name}.${name}: ${JSON.stringify(value)} is not an id, { id } or null; Enfyra ignores it`);
    }
  }
  return out;
}

/** Keeps columns (foreign keys included); warns about the rest, which Enfyra drops. */
function knownColumns(ctx: WriteContext, table: TableSchema, data: Data): Data {
  const out: Data = {};
  for (const [key, value] of Object.entries(data)) {
    if (table.columns.has(key)) out[key] = value;
    else ctx.warn('repos.unknown-field-dropped', `"${key}" is not a column or relation of "${table.name}": Enfyra drops it without an error`);
  }
  return out;
}

function canonical(table: TableSchema, data: Data): RowValues {
  const row: RowValues = new Map();
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const column = table.columns.get(key)!;
    const v = columnValue(table, column, value);
    if (v === null && !column.isNullable) throw new HttpError(400, `${table.name}.${key} cannot be null`);
    row.set(key, v);
  }
  return row;
}

/** Inserts a row (and what its relation values create or link); returns its primary key. */
export async function insertRecord(ctx: WriteContext, table: TableSchema, input: Data): Promise<unknown> {
  const now = new Date();
  const cascade = relationData(input);
  const data = knownColumns(ctx, table, relationsToForeignKeys(ctx, table, input));
  for (const managed of ['createdAt', 'updatedAt']) delete data[managed];
  const row = canonical(table, data);
  for (const column of table.columns.values()) {
    if (row.has(column.name)) continue;
    const fallback = column.managed ? now : defaultValue(table, column, now);
    if (fallback !== undefined) row.set(column.name, fallback);
    else if (!column.isNullable && !(column.isPrimary && column.isGenerated)) {
      throw new HttpError(400, `${table.name}: missing required field "${column.name}"`);
    }
  }
  const { knex, dialect, physical } = ctx.target;
  const pk = table.primaryKey;
  const values = encodeRow(dialect, table, row);
  let id = row.get(pk.name);
  if (dialect.client === 'mysql') {
    const [insertId] = (await knex(physical(table.name)).insert(values)) as number[];
    id ??= insertId;
  } else {
    const [returned] = (await knex(physical(table.name)).insert(values).returning([pk.name])) as Data[];
    id ??= dialect.fromDb(pk, returned![pk.name]);
  }
  if (row.has(pk.name) && valueKind(pk) === 'integer') await syncSequence(ctx.target, table);
  await cascadeRelations(ctx, table, id, cascade);
  return id;
}

/** Updates a row by primary key (the caller checked it exists). */
export async function updateRecord(ctx: WriteContext, table: TableSchema, id: unknown, input: Data): Promise<void> {
  const cascade = relationData(input);
  const withoutManyToMany = Object.fromEntries(Object.entries(input).filter(([k]) => table.relations.get(k)?.type !== 'many-to-many'));
  const data = knownColumns(ctx, table, relationsToForeignKeys(ctx, table, withoutManyToMany));
  for (const column of table.columns.values()) {
    if (!(column.name in data)) continue;
    if (column.managed || column.isPrimary || !column.isUpdatable) delete data[column.name];
    // Enfyra drops a null for a column readers cannot see (knex-hook-manager beforeUpdate).
    else if (!column.isPublished && data[column.name] === null) delete data[column.name];
  }
  const row = canonical(table, data);
  if (table.columns.get('updatedAt')?.managed) row.set('updatedAt', new Date());
  const { knex, dialect, physical } = ctx.target;
  const pk = table.primaryKey;
  if (row.size > 0) {
    await knex(physical(table.name)).where(pk.name, dialect.toDb(pk, id)).update(encodeRow(dialect, table, row));
  }
  await cascadeRelations(ctx, table, id, cascade);
}

export async function deleteRecord(ctx: WriteContext, table: TableSchema, id: unknown): Promise<void> {
  const pk = table.primaryKey;
  await ctx.target.knex(ctx.target.physical(table.name)).where(pk.name, ctx.target.dialect.toDb(pk, id)).delete();
}

/** A related row created by a cascade (insertRecordAndGetId: its own id is never taken). */
async function createRelated(ctx: WriteContext, table: TableSchema, data: Data): Promise<unknown> {
  ctx.checkNested?.(table, 'create', data);
  const { id: _ignored, ...rest } = data;
  return insertRecord(ctx, table, rest);
}

async function setColumn(ctx: WriteContext, table: TableSchema, ids: unknown[], column: string, value: unknown): Promise<void> {
  if (ids.length === 0) return;
  const { knex, dialect, physical } = ctx.target;
  const pk = table.primaryKey;
  const fk = table.columns.get(column)!;
  await knex(physical(table.name))
    .whereIn(pk.name, ids.map((id) => dialect.toDb(pk, columnValue(table, pk, id))))
    .update({ [column]: value === null ? null : dialect.toDb(fk, columnValue(table, fk, value)) });
}

/** handleCascadeRelations: the relation values kept aside, applied once the row exists. */
async function cascadeRelations(ctx: WriteContext, table: TableSchema, id: unknown, data: Data): Promise<void> {
  const { schema } = ctx.target;
  for (const relation of table.relations.values()) {
    if (!(relation.propertyName in data)) continue;
    const value = data[relation.propertyName];
    const target = schema.tables.get(relation.targetTable)!;
    if (relation.type === 'many-to-one') {
      const object = Array.isArray(value) ? value[0] : value;
      if (!isPlainObject(object) || referencedId(object) !== undefined) continue; // already written as the foreign key
      await setColumn(ctx, table, [id], relation.foreignKeyColumn!, await createRelated(ctx, target, object));
    } else if (relation.type === 'many-to-many') {
      if (Array.isArray(value)) await replaceLinks(ctx, relation, target, id, value);
    } else if (relation.type === 'one-to-many') {
      if (Array.isArray(value)) await syncChildren(ctx, table, relation, target, id, value);
    } else {
      await oneToOne(ctx, table, relation, target, id, value);
    }
  }
}

async function replaceLinks(ctx: WriteContext, relation: RelationSchema, target: TableSchema, id: unknown, items: unknown[]): Promise<void> {
  const ids: unknown[] = [];
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (isPlainObject(item)) {
      const ref = referencedId(item);
      ids.push(ref === undefined || ref === null ? await createRelated(ctx, target, item) : ref);
    } else ids.push(item);
  }
  const junction = relation.junction!;
  const { knex, dialect, physical, schema } = ctx.target;
  const ownKey = schema.tables.get(junction.sourceTable)!.primaryKey;
  const otherKey = target.primaryKey;
  await knex(physical(junction.table)).where(junction.sourceColumn, dialect.toDb(ownKey, id)).delete();
  if (ids.length === 0) return;
  await knex(physical(junction.table)).insert(
    ids.map((targetId) => ({
      [junction.sourceColumn]: dialect.toDb(ownKey, id),
      [junction.targetColumn]: dialect.toDb(otherKey, columnValue(target, otherKey, targetId)),
    })),
  );
}

async function syncChildren(ctx: WriteContext, table: TableSchema, relation: RelationSchema, target: TableSchema, id: unknown, items: unknown[]): Promise<void> {
  const { knex, dialect, physical } = ctx.target;
  const fk = relation.foreignKeyColumn!;
  const pk = target.primaryKey;
  const existing = (await knex(physical(target.name)).where(fk, dialect.toDb(table.primaryKey, id)).select(pk.name)) as Data[];
  const incoming = new Set(items.filter((i) => isPlainObject(i) && i.id).map((i) => String((i as Data).id)));
  const detached = existing.map((r) => dialect.fromDb(pk, r[pk.name])).filter((childId) => !incoming.has(String(childId)));
  await setColumn(ctx, target, detached, fk, null);
  for (const item of items) {
    if (isPlainObject(item) && item.id) await setColumn(ctx, target, [item.id], fk, id);
    else if (isPlainObject(item)) await createRelated(ctx, target, { ...item, [fk]: id });
  }
}

async function oneToOne(ctx: WriteContext, table: TableSchema, relation: RelationSchema, target: TableSchema, id: unknown, value: unknown): Promise<void> {
  if (!value || (Array.isArray(value) && value.length === 0)) return;
  const items = (Array.isArray(value) ? value : [value]).filter((i) => i !== null && i !== undefined);
  const fk = relation.foreignKeyColumn!;
  if (!relation.isInverse) {
    for (const item of items) {
      if (!isPlainObject(item)) continue;
      const ref = referencedId(item);
      await setColumn(ctx, table, [id], fk, ref === undefined || ref === null ? await createRelated(ctx, target, item) : ref);
    }
    return;
  }
  const linked: unknown[] = [];
  for (const raw of items) {
    const item = isPlainObject(raw) ? raw : { id: raw };
    const ownerId = item.id ?? (await createRelated(ctx, target, item));
    linked.push(ownerId);
    await setColumn(ctx, target, [ownerId], fk, id);
  }
  const { knex, dialect, physical } = ctx.target;
  const pk = target.primaryKey;
  await knex(physical(target.name))
    .where(fk, dialect.toDb(table.primaryKey, id))
    .whereNotIn(pk.name, linked.map((l) => dialect.toDb(pk, columnValue(target, pk, l))))
    .update({ [fk]: null });
}
