/**
 * Reads table definitions in Enfyra's own format — the shape of the
 * server's `data/snapshot.json`: a table name → `{ name, columns: [...],
 * relations: [...], uniques }` — and resolves them the way Enfyra's
 * provisioning and metadata cache do: inverse relations from
 * `inversePropertyName`, `<property>Id` foreign-key columns, junction tables
 * named `<source>_<property>_<target>`, `createdAt`/`updatedAt` on every
 * table, `onDelete` defaulting to SET NULL (RESTRICT for a required relation).
 * Keys Enfyra's exports carry that do not change behaviour here
 * (`description`, `isSystem`, `indexes`, ...) are accepted and ignored.
 */
import { z } from 'zod';
import { ConfigError } from '../config/load.ts';
import { foreignKeyColumnName, junctionColumnNames, junctionTableName } from './naming.ts';
import {
  COLUMN_TYPES,
  IDENTIFIER,
  RELATION_TYPES,
  valueKind,
  type ColumnSchema,
  type DatabaseSchema,
  type JunctionSchema,
  type OnDelete,
  type RelationSchema,
  type RelationType,
  type TableSchema,
} from './schema.ts';

const identifier = z.string().regex(IDENTIFIER, 'must be a letter or _ followed by letters, digits or _ (at most 48)');

const columnDef = z.looseObject({
  name: identifier,
  type: z.enum(COLUMN_TYPES),
  isPrimary: z.boolean().optional(),
  isGenerated: z.boolean().optional(),
  isNullable: z.boolean().optional(),
  isUpdatable: z.boolean().optional(),
  isPublished: z.boolean().optional(),
  isUnique: z.boolean().optional(),
  defaultValue: z.unknown().optional(),
  options: z.unknown().optional(),
});

const onDelete = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['CASCADE', 'SET NULL', 'RESTRICT'], { error: 'must be CASCADE, SET NULL or RESTRICT' }));

const relationDef = z.looseObject({
  propertyName: identifier,
  type: z.enum(RELATION_TYPES),
  targetTable: z.union([identifier, z.looseObject({ name: identifier })]).transform((t) => (typeof t === 'string' ? t : t.name)),
  inversePropertyName: identifier.optional(),
  onDelete: onDelete.nullish(),
  isNullable: z.boolean().optional(),
  isUpdatable: z.boolean().optional(),
  isPublished: z.boolean().optional(),
  foreignKeyColumn: identifier.optional(),
  junctionTableName: identifier.optional(),
  junctionSourceColumn: identifier.optional(),
  junctionTargetColumn: identifier.optional(),
});

const tableDef = z.looseObject({
  name: identifier.optional(),
  alias: identifier.optional(),
  columns: z.array(columnDef),
  relations: z.array(relationDef).optional(),
  uniques: z.array(z.array(identifier).min(1)).optional(),
});

type ColumnDef = z.infer<typeof columnDef>;
type RelationDef = z.infer<typeof relationDef>;

/** Logical filter operators (a field of that name could never be filtered on) and the one name objects treat specially. */
const RESERVED = new Set(['_and', '_or', '_not', '__proto__', 'constructor', 'prototype']);

/** Is this parsed JSON Enfyra's format (table name → definition with a `columns` array)? */
export function looksLikeEnfyraSchema(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  return Object.entries(raw).some(([key, value]) => !key.startsWith('$') && Array.isArray((value as { columns?: unknown })?.columns));
}

interface PendingRelation {
  def: RelationDef;
  /** Added from the other side's `inversePropertyName`. */
  generated: boolean;
}

/**
 * Validates and resolves Enfyra table definitions. `checkDefault` checks a
 * default value against its column (values.ts; passed in to keep this module
 * free of value coercion).
 */
export function parseEnfyraSchema(
  raw: unknown,
  label: string,
  checkDefault: (column: ColumnSchema, value: unknown) => string | null,
): DatabaseSchema {
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`${label}: ${where}: ${message}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    fail('(top level)', 'expected an object of table name → table definition');
  }

  const defs = new Map<string, z.infer<typeof tableDef>>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key.startsWith('$')) continue; // $comment and the like
    if (!IDENTIFIER.test(key)) fail(key, 'a table name must be a letter or _ followed by letters, digits or _ (at most 48)');
    if (RESERVED.has(key)) fail(key, `"${key}" is a reserved name`);
    const parsed = tableDef.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      fail([key, ...issue.path].join('.'), issue.message);
    }
    if (parsed.data!.name !== undefined && parsed.data!.name !== key) {
      fail(`${key}.name`, `"${parsed.data!.name}" differs from the key "${key}"`);
    }
    defs.set(key, parsed.data!);
  }

  // Relations per table, with the inverse sides Enfyra generates from inversePropertyName.
  const pending = new Map<string, PendingRelation[]>([...defs.keys()].map((t) => [t, []]));
  for (const [tableName, def] of defs) {
    for (const [i, rel] of (def.relations ?? []).entries()) {
      const where = `${tableName}.relations[${i}]`;
      if (!defs.has(rel.targetTable)) fail(`${where}.targetTable`, `unknown table "${rel.targetTable}"`);
      if (pending.get(tableName)!.some((p) => p.def.propertyName === rel.propertyName)) {
        fail(`${where}.propertyName`, `"${rel.propertyName}" is declared twice`);
      }
      pending.get(tableName)!.push({ def: rel, generated: false });
    }
  }
  for (const [tableName, def] of defs) {
    for (const rel of def.relations ?? []) {
      if (!rel.inversePropertyName) continue;
      const targetRelations = pending.get(rel.targetTable)!;
      if (targetRelations.some((p) => p.def.propertyName === rel.inversePropertyName)) continue;
      targetRelations.push({
        generated: true,
        def: {
          propertyName: rel.inversePropertyName,
          type: inverseType(rel.type),
          targetTable: tableName,
          inversePropertyName: rel.propertyName,
          isNullable: rel.isNullable,
          onDelete: undefined,
        },
      });
    }
  }

  const builders = new Map<string, TableBuilder>();
  for (const [tableName, def] of defs) {
    builders.set(tableName, new TableBuilder(tableName, def.alias, def.columns, fail, checkDefault));
  }
  // Owning sides first: an inverse side reads the column or junction its owner chose.
  const owners = new Map<string, RelationSchema>();
  const junctions: JunctionSchema[] = [];
  const key = (table: string, property: string) => `${table}.${property}`;
  for (const [tableName, relations] of pending) {
    for (const { def, generated } of relations) {
      const owner = ownsReference(def, generated, pending, tableName);
      if (!owner) continue;
      const relation = builders.get(tableName)!.addOwningRelation(def, builders.get(def.targetTable)!, junctions);
      owners.set(key(tableName, def.propertyName), relation);
    }
  }
  for (const [tableName, relations] of pending) {
    for (const { def, generated } of relations) {
      if (owners.has(key(tableName, def.propertyName))) continue;
      const where = `${tableName}.relations.${def.propertyName}`;
      if (!def.inversePropertyName) {
        fail(where, `a ${def.type} relation needs "inversePropertyName": the ${inverseType(def.type)} relation on "${def.targetTable}" that holds it`);
      }
      const owning = owners.get(key(def.targetTable, def.inversePropertyName!));
      if (!owning || owning.type !== inverseType(def.type) || owning.targetTable !== tableName) {
        fail(where, `"${def.targetTable}.${def.inversePropertyName}" must be a ${inverseType(def.type)} relation to "${tableName}"`);
      }
      builders.get(tableName)!.addInverseRelation(def, owning!, generated);
    }
  }

  const tables = new Map<string, TableSchema>();
  for (const [tableName, def] of defs) tables.set(tableName, builders.get(tableName)!.build(def.uniques ?? []));
  const aliases = new Set<string>();
  for (const table of tables.values()) {
    if (!table.alias) continue;
    if (tables.has(table.alias) || aliases.has(table.alias)) fail(`${table.name}.alias`, `"${table.alias}" is already a table name or alias`);
    aliases.add(table.alias);
  }
  for (const junction of junctions) {
    if (tables.has(junction.table)) fail(junction.table, 'a junction table of that name is generated for a many-to-many relation');
  }
  return { tables, junctions };
}

function inverseType(type: RelationType): RelationType {
  if (type === 'many-to-one') return 'one-to-many';
  if (type === 'one-to-many') return 'many-to-one';
  return type;
}

/**
 * Which side holds a relation: many-to-one always; one-to-many never; a
 * declared one-to-one or many-to-many unless its counterpart was declared
 * first (Enfyra creates one junction per pair) or it was generated.
 */
function ownsReference(
  def: RelationDef,
  generated: boolean,
  all: Map<string, PendingRelation[]>,
  tableName: string,
): boolean {
  if (def.type === 'many-to-one') return true;
  if (def.type === 'one-to-many' || generated) return false;
  if (!def.inversePropertyName) return true;
  const counterpart = all.get(def.targetTable)!.find((p) => p.def.propertyName === def.inversePropertyName);
  if (!counterpart || counterpart.generated) return true;
  // Both sides declared: the one met first in file order owns.
  const order = [...all.keys()];
  const mine = order.indexOf(tableName);
  const theirs = order.indexOf(def.targetTable);
  if (mine !== theirs) return mine < theirs;
  return all.get(tableName)!.findIndex((p) => p.def === def) < all.get(tableName)!.findIndex((p) => p === counterpart);
}

class TableBuilder {
  private readonly name: string;
  private readonly alias: string | undefined;
  private readonly fail: (where: string, message: string) => never;
  private readonly columns = new Map<string, ColumnSchema>();
  private readonly foreignKeys = new Map<string, ColumnSchema>();
  private readonly relations = new Map<string, RelationSchema>();
  readonly primaryKey: ColumnSchema;

  constructor(
    name: string,
    alias: string | undefined,
    defs: ColumnDef[],
    fail: (where: string, message: string) => never,
    checkDefault: (column: ColumnSchema, value: unknown) => string | null,
  ) {
    this.name = name;
    this.alias = alias;
    this.fail = fail;
    for (const [i, def] of defs.entries()) {
      const where = `${name}.columns[${i}] (${def.name})`;
      if (RESERVED.has(def.name)) fail(where, `"${def.name}" is a reserved name`);
      if (this.columns.has(def.name)) fail(where, `column "${def.name}" is declared twice`);
      const column = this.column(def, where, checkDefault);
      this.columns.set(def.name, column);
    }
    const primaries = [...this.columns.values()].filter((c) => c.isPrimary);
    if (primaries.length !== 1) {
      fail(name, primaries.length === 0 ? 'needs a primary key column ("isPrimary": true)' : `has ${primaries.length} primary key columns; Enfyra tables have one`);
    }
    this.primaryKey = primaries[0]!;
    for (const managed of ['createdAt', 'updatedAt'] as const) {
      const declared = this.columns.get(managed);
      this.columns.set(managed, {
        ...(declared ?? { name: managed, type: 'datetime', isPrimary: false, isGenerated: false, isNullable: true, isPublished: true, isUnique: false }),
        isUpdatable: false,
        defaultValue: 'now',
        managed,
      });
    }
  }

  private column(def: ColumnDef, where: string, checkDefault: (c: ColumnSchema, v: unknown) => string | null): ColumnSchema {
    const isPrimary = def.isPrimary ?? false;
    let options: readonly string[] | undefined;
    if (def.type === 'enum') {
      if (!Array.isArray(def.options) || def.options.length === 0 || def.options.some((o) => typeof o !== 'string')) {
        this.fail(where, 'an enum column needs "options": a list of its values (strings)');
      }
      options = def.options as string[];
    }
    const column: ColumnSchema = {
      name: def.name,
      type: def.type,
      isPrimary,
      isGenerated: def.isGenerated ?? false,
      isNullable: !isPrimary && def.isNullable !== false,
      isUpdatable: def.isUpdatable !== false,
      isPublished: def.isPublished !== false,
      isUnique: def.isUnique ?? false,
      ...(options ? { options } : {}),
    };
    if (isPrimary) {
      if (!['int', 'bigint', 'uuid', 'varchar'].includes(def.type)) this.fail(where, `a ${def.type} column cannot be the primary key (int, bigint, uuid or varchar)`);
      if (column.isGenerated && def.type === 'varchar') this.fail(where, 'a varchar primary key cannot be generated (use int or uuid)');
    }
    if (def.defaultValue === undefined || def.defaultValue === null) return column;
    const problem = checkDefault(column, def.defaultValue);
    if (problem) this.fail(`${where}.defaultValue`, problem);
    return { ...column, defaultValue: def.defaultValue };
  }

  addOwningRelation(def: RelationDef, target: TableBuilder, junctions: JunctionSchema[]): RelationSchema {
    const where = `${this.name}.relations.${def.propertyName}`;
    this.checkFree(def.propertyName, where);
    const isNullable = def.isNullable !== false;
    const onDelete: OnDelete = def.onDelete ?? (isNullable ? 'SET NULL' : 'RESTRICT');
    if (onDelete === 'SET NULL' && !isNullable) this.fail(where, '"onDelete": "SET NULL" needs a nullable relation');
    const base = {
      propertyName: def.propertyName,
      type: def.type,
      targetTable: def.targetTable,
      ...(def.inversePropertyName ? { inversePropertyName: def.inversePropertyName } : {}),
      isInverse: false,
      onDelete,
      isNullable,
      isUpdatable: def.isUpdatable !== false,
      isPublished: def.isPublished !== false,
    };
    if (def.type === 'many-to-many') {
      const names = junctionColumnNames(this.name, def.propertyName, def.targetTable);
      const junction: JunctionSchema = {
        table: def.junctionTableName ?? junctionTableName(this.name, def.propertyName, def.targetTable),
        sourceTable: this.name,
        targetTable: def.targetTable,
        sourceColumn: def.junctionSourceColumn ?? names.sourceColumn,
        targetColumn: def.junctionTargetColumn ?? names.targetColumn,
      };
      if (junction.sourceColumn === junction.targetColumn) this.fail(where, 'the junction columns must differ');
      if (junctions.some((j) => j.table === junction.table)) this.fail(where, `junction table "${junction.table}" is used twice`);
      junctions.push(junction);
      const relation: RelationSchema = { ...base, junction };
      this.relations.set(def.propertyName, relation);
      return relation;
    }
    const fk = def.foreignKeyColumn ?? foreignKeyColumnName(def.propertyName);
    const declared = this.columns.get(fk);
    const targetKey = target.primaryKey;
    if (declared) {
      if (valueKind(declared) !== valueKind(targetKey) || declared.isPrimary) {
        this.fail(where, `column "${fk}" holds this relation but is not of the type of ${def.targetTable}.${targetKey.name}`);
      }
      this.columns.set(fk, { ...declared, relation: def.propertyName, isNullable: isNullable, isUpdatable: declared.isUpdatable && base.isUpdatable });
    } else {
      if (this.foreignKeys.has(fk)) this.fail(where, `column "${fk}" already holds another relation`);
      this.foreignKeys.set(fk, {
        name: fk,
        type: targetKey.type === 'bigint' ? 'bigint' : targetKey.type === 'uuid' ? 'uuid' : targetKey.type === 'varchar' ? 'varchar' : 'int',
        isPrimary: false,
        isGenerated: false,
        isNullable,
        isUpdatable: base.isUpdatable,
        isPublished: base.isPublished,
        isUnique: false,
        relation: def.propertyName,
      });
    }
    const relation: RelationSchema = { ...base, foreignKeyColumn: fk };
    this.relations.set(def.propertyName, relation);
    return relation;
  }

  addInverseRelation(def: RelationDef, owning: RelationSchema, generated: boolean): void {
    const where = `${this.name}.relations.${def.propertyName}`;
    this.checkFree(def.propertyName, where);
    const base = {
      propertyName: def.propertyName,
      type: def.type,
      targetTable: def.targetTable,
      inversePropertyName: owning.propertyName,
      isInverse: true,
      onDelete: owning.onDelete,
      isNullable: true,
      isUpdatable: generated ? true : def.isUpdatable !== false,
      isPublished: generated ? true : def.isPublished !== false,
    };
    const relation: RelationSchema = owning.junction
      ? {
          ...base,
          junction: {
            table: owning.junction.table,
            sourceTable: owning.junction.targetTable,
            targetTable: owning.junction.sourceTable,
            sourceColumn: owning.junction.targetColumn,
            targetColumn: owning.junction.sourceColumn,
          },
        }
      : { ...base, foreignKeyColumn: owning.foreignKeyColumn! };
    this.relations.set(def.propertyName, relation);
  }

  private checkFree(name: string, where: string): void {
    if (RESERVED.has(name)) this.fail(where, `"${name}" is a reserved name`);
    if (this.columns.has(name) || this.relations.has(name)) this.fail(where, `"${name}" is already a column or relation of ${this.name}`);
  }

  build(uniqueDefs: string[][]): TableSchema {
    for (const fk of this.foreignKeys.keys()) {
      if (this.relations.has(fk)) this.fail(`${this.name}.relations.${fk}`, 'is also the foreign-key column of a relation');
    }
    const columns = new Map([...this.columns, ...this.foreignKeys]);
    const uniques = uniqueDefs.map((group, i) =>
      group.map((name) => {
        const relation = this.relations.get(name);
        if (relation?.foreignKeyColumn && !relation.isInverse && relation.type !== 'one-to-many') return relation.foreignKeyColumn;
        if (columns.has(name)) return name;
        return this.fail(`${this.name}.uniques[${i}]`, `"${name}" is not a column or many-to-one relation of ${this.name}`);
      }),
    );
    for (const column of columns.values()) {
      if (column.isUnique && valueKind(column) === 'json') this.fail(`${this.name}.columns.${column.name}`, `a ${column.type} column cannot be unique`);
    }
    return {
      name: this.name,
      ...(this.alias ? { alias: this.alias } : {}),
      columns,
      relations: this.relations,
      primaryKey: this.primaryKey,
      uniques,
    };
  }
}
