/**
 * The seed file: rows created with the tables. A row gives columns (ids and
 * timestamps included, so replayed fixtures see the same values every run)
 * and may set relations the way `$repos.create` does: a many-to-one or
 * one-to-one as an id, `{ id }` or null; a many-to-many or one-to-many as a
 * list of ids or `{ id }`s of rows seeded elsewhere in the file.
 */
import { ConfigError } from '../config/load.ts';
import { HttpError } from '../shared/http-errors.ts';
import { columnValue, defaultValue, isPlainObject, referencedId, type RowValues } from './row-values.ts';
import type { DatabaseSchema, JunctionSchema, RelationSchema, TableSchema } from './schema.ts';

/** A junction row, oriented like the relation that set it (`sourceColumn` holds `sourceId`). */
export interface JunctionLink {
  readonly junction: JunctionSchema;
  readonly sourceId: unknown;
  readonly targetId: unknown;
}

export interface SeedData {
  /** Validated column values per table, ready to insert. */
  readonly rows: ReadonlyMap<string, readonly RowValues[]>;
  readonly links: readonly JunctionLink[];
}

interface PendingReference {
  /** The table whose rows hold the column. */
  table: TableSchema;
  column: string;
  rowId: unknown;
  value: unknown;
  where: string;
}

export function parseSeedRows(raw: object, schema: DatabaseSchema, label: string, now: Date): SeedData {
  const rows = new Map<string, RowValues[]>();
  const links: JunctionLink[] = [];
  const references: PendingReference[] = [];
  for (const [tableName, list] of Object.entries(raw)) {
    if (tableName.startsWith('$')) continue;
    const table = schema.tables.get(tableName);
    if (!table) throw new ConfigError(`${label}: "${tableName}" is not a table of the schema`);
    if (!Array.isArray(list)) throw new ConfigError(`${label}: ${tableName}: expected an array of rows`);
    rows.set(
      tableName,
      list.map((row: unknown, i) => {
        const where = `${label}: ${tableName}[${i}]`;
        try {
          return seedRow(schema, table, row, now, where, links, references);
        } catch (err) {
          if (err instanceof HttpError) throw new ConfigError(`${where}: ${err.message}`);
          throw err;
        }
      }),
    );
  }
  // One-to-many and inverse one-to-one values set the other row's column.
  for (const ref of references) {
    const pk = ref.table.primaryKey;
    const target = rows.get(ref.table.name)?.find((r) => r.get(pk.name) === columnValue(ref.table, pk, ref.rowId));
    if (!target) throw new ConfigError(`${ref.where}: ${ref.table.name} ${JSON.stringify(ref.rowId)} is not a row of the seed`);
    target.set(ref.column, ref.value);
  }
  return { rows, links };
}

function seedRow(
  schema: DatabaseSchema,
  table: TableSchema,
  raw: unknown,
  now: Date,
  where: string,
  links: JunctionLink[],
  references: PendingReference[],
): RowValues {
  if (!isPlainObject(raw)) throw new ConfigError(`${where}: a row must be an object`);
  const row: RowValues = new Map();
  const relationValues: Array<[RelationSchema, unknown]> = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const column = table.columns.get(key);
    if (column) {
      row.set(key, columnValue(table, column, value));
      continue;
    }
    const relation = table.relations.get(key);
    if (!relation) throw new ConfigError(`${where}: "${key}" is not a column or relation of ${table.name}`);
    relationValues.push([relation, value]);
  }
  for (const column of table.columns.values()) {
    if (row.has(column.name)) continue;
    const fallback = column.managed ? now : defaultValue(table, column, now);
    if (fallback !== undefined) row.set(column.name, fallback);
  }
  const pk = table.primaryKey;
  const id = row.get(pk.name);
  for (const [relation, value] of relationValues) {
    const at = `${where}.${relation.propertyName}`;
    const target = schema.tables.get(relation.targetTable)!;
    const ids = (list: unknown): unknown[] => {
      if (!Array.isArray(list)) throw new ConfigError(`${at}: expected a list of ids or { "id": ... } objects`);
      return list.map((item) => {
        const ref = referencedId(item);
        if (ref === undefined || ref === null) throw new ConfigError(`${at}: ${JSON.stringify(item)} names no row (give its id; seed new rows in their own table)`);
        return columnValue(target, target.primaryKey, ref);
      });
    };
    if ((relation.junction || relation.isInverse) && (id === undefined || id === null)) {
      throw new ConfigError(`${at}: give the row an explicit ${pk.name} to set this relation`);
    }
    if (relation.junction) {
      for (const targetId of ids(value)) links.push({ junction: relation.junction, sourceId: id, targetId });
      continue;
    }
    if (!relation.isInverse) {
      const ref = referencedId(value);
      if (ref === undefined) throw new ConfigError(`${at}: expected an id, { "id": ... } or null`);
      row.set(relation.foreignKeyColumn!, ref === null ? null : columnValue(target, target.primaryKey, ref));
      continue;
    }
    const children = relation.type === 'one-to-one' ? (value === null ? [] : [value]) : value;
    for (const childId of ids(children)) {
      references.push({ table: target, column: relation.foreignKeyColumn!, rowId: childId, value: id, where: at });
    }
  }
  for (const column of table.columns.values()) {
    if (!row.has(column.name) && !column.isNullable && !(column.isPrimary && column.isGenerated)) {
      throw new ConfigError(`${where}: missing required field "${column.name}"`);
    }
  }
  return row;
}
