/**
 * The table model behind `$ctx.$repos`, parsed from `fixtures/schema.json`
 * (format: README, "Fixtures: schema and seed"). Every identifier the repositories put into SQL
 * comes from here, never from a script.
 */
import { z } from 'zod';
import { ConfigError } from '../config/load.ts';

export const COLUMN_TYPES = [
  'increments',
  'integer',
  'float',
  'decimal',
  'string',
  'text',
  'boolean',
  'datetime',
  'json',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export type OnDelete = 'restrict' | 'cascade' | 'set null';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly primary: boolean;
  readonly nullable: boolean;
  readonly unique: boolean;
  /** `undefined` when the column has no default; `'now'` for a datetime filled at insert time. */
  readonly default?: unknown;
  /** string: maximum length in characters. */
  readonly length?: number;
  /** decimal: total digits and digits after the point. */
  readonly precision?: number;
  readonly scale?: number;
  /** Many-to-one: this column holds the primary key of a row of `table`. */
  readonly references?: { readonly table: string; readonly onDelete: OnDelete };
  /** `createdAt` / `updatedAt` added by `"timestamps": true`, filled in by the repository. */
  readonly managed?: 'createdAt' | 'updatedAt';
}

export interface TableSchema {
  readonly name: string;
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  readonly primaryKey: ColumnSchema;
}

export interface DatabaseSchema {
  /** In dependency order: a table comes after every table it references. */
  readonly tables: ReadonlyMap<string, TableSchema>;
}

/** Table and column names: plain identifiers, short enough to leave room for a table prefix. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** Logical filter operators (a column of that name could never be filtered on) and the one name objects treat specially. */
const RESERVED_COLUMNS = new Set(['_and', '_or', '_not', '__proto__']);

const identifier = z.string().regex(IDENTIFIER, 'must be a letter or _ followed by letters, digits or _ (at most 48)');

const columnCommon = {
  nullable: z.boolean().optional(),
  unique: z.boolean().optional(),
  primary: z.boolean().optional(),
  default: z.unknown().optional(),
};

const columnDef = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('increments') }),
  z.strictObject({
    type: z.literal('integer'),
    ...columnCommon,
    references: z
      .strictObject({ table: identifier, onDelete: z.enum(['restrict', 'cascade', 'set null']).optional() })
      .optional(),
  }),
  z.strictObject({ type: z.literal('string'), ...columnCommon, length: z.number().int().min(1).max(4000).optional() }),
  z.strictObject({
    type: z.literal('decimal'),
    ...columnCommon,
    precision: z.number().int().min(1).max(38).optional(),
    scale: z.number().int().min(0).max(30).optional(),
  }),
  ...(['float', 'text', 'boolean', 'datetime', 'json'] as const).map((type) =>
    z.strictObject({ type: z.literal(type), ...columnCommon }),
  ),
]);

const schemaFile = z.strictObject({
  $comment: z.string().optional(),
  tables: z.record(
    identifier,
    z.strictObject({
      $comment: z.string().optional(),
      columns: z.record(identifier, columnDef),
      timestamps: z.boolean().optional(),
    }),
  ),
});

/**
 * Validates a parsed schema file and builds the model. `validateDefault`
 * checks each default against its column type (the value coercion lives in
 * values.ts; passing it in keeps this module free of it).
 */
export function parseSchema(
  raw: unknown,
  label: string,
  validateDefault: (column: ColumnSchema, value: unknown) => string | null,
): DatabaseSchema {
  const parsed = schemaFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    // A bad table or column name: zod's own text ("Invalid key in record") does not say what is wrong.
    const detail = issue.code === 'invalid_key' ? `name ${issue.issues[0]?.message ?? 'is invalid'}` : issue.message;
    throw new ConfigError(`${label}: ${at}: ${detail}`);
  }
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`${label}: ${where}: ${message}`);
  };

  const tables = new Map<string, TableSchema>();
  for (const [tableName, def] of Object.entries(parsed.data.tables)) {
    const columns = new Map<string, ColumnSchema>();
    for (const [name, col] of Object.entries(def.columns)) {
      const where = `tables.${tableName}.columns.${name}`;
      if (RESERVED_COLUMNS.has(name)) fail(where, `"${name}" is a reserved name`);
      let column: ColumnSchema =
        col.type === 'increments'
          ? { name, type: 'increments', primary: true, nullable: false, unique: false }
          : {
              name,
              type: col.type,
              primary: col.primary ?? false,
              nullable: !(col.primary ?? false) && (col.nullable ?? true),
              unique: col.unique ?? false,
              ...(col.type === 'string' ? { length: col.length ?? 255 } : {}),
              ...(col.type === 'decimal' ? { precision: col.precision ?? 12, scale: col.scale ?? 2 } : {}),
              ...(col.type === 'integer' && col.references
                ? { references: { table: col.references.table, onDelete: col.references.onDelete ?? 'restrict' } }
                : {}),
            };
      if (col.type !== 'increments' && col.default !== undefined) {
        if (col.default === null) fail(where, 'default: use "nullable": true instead of a null default');
        const problem = validateDefault(column, col.default);
        if (problem) fail(where, `default: ${problem}`);
        column = { ...column, default: col.default };
      }
      if (column.unique && (column.type === 'text' || column.type === 'json')) {
        fail(where, `a ${column.type} column cannot be unique (use a string column)`);
      }
      if (column.type === 'decimal' && column.scale! > column.precision!) fail(where, 'scale must not exceed precision');
      columns.set(name, column);
    }
    if (def.timestamps) {
      for (const managed of ['createdAt', 'updatedAt'] as const) {
        if (columns.has(managed)) {
          fail(`tables.${tableName}`, `"timestamps": true adds ${managed}; do not declare it as well`);
        }
        columns.set(managed, { name: managed, type: 'datetime', primary: false, nullable: false, unique: false, managed });
      }
    }
    const primaries = [...columns.values()].filter((c) => c.primary);
    if (primaries.length !== 1) {
      fail(
        `tables.${tableName}`,
        primaries.length === 0
          ? 'needs a primary key (an "increments" column or "primary": true)'
          : `has ${primaries.length} primary keys (${primaries.map((c) => c.name).join(', ')}); exactly one is supported`,
      );
    }
    const primaryKey = primaries[0]!;
    if (primaryKey.type === 'json' || primaryKey.type === 'text' || primaryKey.type === 'boolean') {
      fail(`tables.${tableName}.columns.${primaryKey.name}`, `a ${primaryKey.type} column cannot be the primary key`);
    }
    tables.set(tableName, { name: tableName, columns, primaryKey });
  }

  for (const table of tables.values()) {
    for (const column of table.columns.values()) {
      if (!column.references) continue;
      const where = `tables.${table.name}.columns.${column.name}.references`;
      const target = tables.get(column.references.table);
      if (!target) fail(where, `unknown table "${column.references.table}"`);
      const targetType = target!.primaryKey.type === 'increments' ? 'integer' : target!.primaryKey.type;
      if (targetType !== 'integer') {
        fail(where, `"${target!.name}" has a ${targetType} primary key; references need an integer one`);
      }
      if (column.references.onDelete === 'set null' && !column.nullable) {
        fail(where, '"onDelete": "set null" needs a nullable column');
      }
    }
  }
  return { tables: dependencyOrder(tables, label) };
}

function dependencyOrder(tables: Map<string, TableSchema>, label: string): Map<string, TableSchema> {
  const ordered = new Map<string, TableSchema>();
  const visiting = new Set<string>();
  const visit = (table: TableSchema) => {
    if (ordered.has(table.name)) return;
    if (visiting.has(table.name)) {
      throw new ConfigError(`${label}: tables.${table.name}: references form a cycle`);
    }
    visiting.add(table.name);
    for (const column of table.columns.values()) {
      const target = column.references?.table;
      if (target && target !== table.name) visit(tables.get(target)!);
    }
    visiting.delete(table.name);
    ordered.set(table.name, table);
  };
  for (const table of tables.values()) visit(table);
  return ordered;
}
