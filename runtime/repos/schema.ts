/**
 * The table model behind `$ctx.$repos`, as Enfyra's metadata cache builds it
 * from table definitions (schema-enfyra.ts): the declared columns, then
 * `createdAt`/`updatedAt` (every Enfyra SQL table has them), then one
 * foreign-key column per owning relation; relations resolved to the columns
 * and junction tables that hold them. Every identifier the repositories put
 * into SQL comes from here, never from a script.
 */
import type { FieldPermissionRule } from './permissions.ts';

/** Enfyra's column types (data/snapshot.json, `enfyra_column.type`). */
export const COLUMN_TYPES = [
  'int', 'bigint', 'float', 'varchar', 'text', 'richtext', 'code', 'boolean', 'uuid',
  'date', 'datetime', 'timestamp', 'enum', 'simple-json', 'array-select',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** How a column's values behave, whatever its Enfyra type. */
export type ValueKind = 'integer' | 'number' | 'string' | 'boolean' | 'datetime' | 'json';

export const RELATION_TYPES = ['many-to-one', 'one-to-many', 'many-to-many', 'one-to-one'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];
export type OnDelete = 'CASCADE' | 'SET NULL' | 'RESTRICT';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly isPrimary: boolean;
  /** An auto-increment integer or a generated uuid primary key. */
  readonly isGenerated: boolean;
  readonly isNullable: boolean;
  readonly isUpdatable: boolean;
  /** `false`: read by `$repos.main`/`secure` only where a field permission allows it. */
  readonly isPublished: boolean;
  readonly isUnique: boolean;
  /** `undefined` when the column has no default; `'now'` for a date-time filled at insert time. */
  readonly defaultValue?: unknown;
  /** enum: the allowed values. */
  readonly options?: readonly string[];
  /** A foreign-key column: the relation it holds. */
  readonly relation?: string;
  /** `createdAt` / `updatedAt`, which the repository sets itself (a script's values are ignored, as in Enfyra). */
  readonly managed?: 'createdAt' | 'updatedAt';
}

/**
 * A many-to-many junction table. `schema.junctions` lists each once, as the
 * owning side declares it; a relation's own copy is oriented from its table
 * (`sourceTable` is the relation's table, `sourceColumn` holds its ids).
 */
export interface JunctionSchema {
  /** Logical name (the physical one adds the table prefix). */
  readonly table: string;
  readonly sourceTable: string;
  readonly targetTable: string;
  readonly sourceColumn: string;
  readonly targetColumn: string;
}

export interface RelationSchema {
  readonly propertyName: string;
  readonly type: RelationType;
  readonly targetTable: string;
  readonly inversePropertyName?: string;
  /** one-to-many, and the side of a one-to-one or many-to-many that does not hold the reference. */
  readonly isInverse: boolean;
  readonly onDelete: OnDelete;
  readonly isNullable: boolean;
  readonly isUpdatable: boolean;
  readonly isPublished: boolean;
  /**
   * many-to-one and owning one-to-one: the column on this table;
   * one-to-many and inverse one-to-one: the column on the target table.
   */
  readonly foreignKeyColumn?: string;
  /** many-to-many: the junction, with `sourceColumn` pointing at this table's rows. */
  readonly junction?: JunctionSchema;
}

export interface TableSchema {
  readonly name: string;
  /** Another name `$repos.<alias>` resolves to this table (Enfyra's `alias`). */
  readonly alias?: string;
  /** In Enfyra's metadata order: declared columns, createdAt, updatedAt, then foreign-key columns. */
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  readonly relations: ReadonlyMap<string, RelationSchema>;
  readonly primaryKey: ColumnSchema;
  /** Groups of column names that are unique together (relations already resolved to their columns). */
  readonly uniques: readonly (readonly string[])[];
}

export interface DatabaseSchema {
  readonly tables: ReadonlyMap<string, TableSchema>;
  readonly junctions: readonly JunctionSchema[];
  /** Field permission records (from the seed), enforced by `$repos.main` and `$repos.secure.<table>`. */
  readonly fieldPermissions?: readonly FieldPermissionRule[];
}

export const EMPTY_SCHEMA: DatabaseSchema = { tables: new Map(), junctions: [] };

/** Table and column names: plain identifiers, short enough to leave room for a table prefix. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

export function valueKind(column: ColumnSchema): ValueKind {
  switch (column.type) {
    case 'int':
    case 'bigint':
      return 'integer';
    case 'float':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'datetime':
    case 'timestamp':
      return 'datetime';
    case 'simple-json':
    case 'array-select':
      return 'json';
    default:
      return 'string';
  }
}

/** Owning side of a reference: the relation's value lives in a column of this table. */
export function isOwner(relation: RelationSchema): boolean {
  return relation.type === 'many-to-one' || (relation.type === 'one-to-one' && !relation.isInverse);
}

/** The table a `$repos.<name>` resolves to (name or alias), or undefined. */
export function resolveTable(schema: DatabaseSchema, name: string): TableSchema | undefined {
  const direct = schema.tables.get(name);
  if (direct) return direct;
  for (const table of schema.tables.values()) if (table.alias === name) return table;
  return undefined;
}

/**
 * For fixture loaders (replay `state.tables`, `expect.tables`): the keys of a
 * row that are not fields of the table. A row may name columns (foreign-key
 * columns included) and relations, as `create` accepts them.
 */
export function unknownFields(table: TableSchema, row: Record<string, unknown>): string[] {
  return Object.keys(row).filter((key) => !table.columns.has(key) && !table.relations.has(key));
}
