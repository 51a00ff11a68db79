/**
 * The schema format this project used before it read Enfyra's own
 * (`{ "tables": { name: { columns: { col: { type, ... } }, timestamps } } }`),
 * converted to Enfyra's table definitions. Loading converts on the fly;
 * `enfyra-run db convert-schema` writes the converted file once.
 */
import { ConfigError } from '../config/load.ts';
import { foreignKeyColumnName } from './naming.ts';

const TYPES: Record<string, string> = {
  increments: 'int',
  integer: 'int',
  float: 'float',
  decimal: 'float',
  string: 'varchar',
  text: 'text',
  boolean: 'boolean',
  datetime: 'datetime',
  json: 'simple-json',
};

const ON_DELETE: Record<string, string> = { restrict: 'RESTRICT', cascade: 'CASCADE', 'set null': 'SET NULL' };

export function looksLikeLegacySchema(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'tables' in raw && !Array.isArray((raw as { tables: unknown }).tables);
}

type LegacyColumn = {
  type?: string;
  nullable?: boolean;
  unique?: boolean;
  primary?: boolean;
  default?: unknown;
  references?: { table?: string; onDelete?: string };
};

/** Enfyra table definitions for a legacy schema; problems are ConfigErrors naming the spot. */
export function convertLegacySchema(raw: { tables: unknown }, label: string): Record<string, unknown> {
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`${label}: ${where}: ${message}`);
  };
  if (raw.tables === null || typeof raw.tables !== 'object') fail('tables', 'expected an object of table name → table');
  const out: Record<string, unknown> = {};
  for (const [tableName, table] of Object.entries(raw.tables as Record<string, { columns?: Record<string, LegacyColumn> }>)) {
    if (table === null || typeof table !== 'object' || table.columns === null || typeof table.columns !== 'object') {
      fail(`tables.${tableName}`, 'expected { "columns": { ... } }');
    }
    const columns: Record<string, unknown>[] = [];
    const relations: Record<string, unknown>[] = [];
    for (const [name, col] of Object.entries(table.columns!)) {
      const where = `tables.${tableName}.columns.${name}`;
      const type = TYPES[col?.type ?? ''];
      if (!type) fail(where, `unknown type "${col?.type}" (one of ${Object.keys(TYPES).join(', ')})`);
      if (col.type === 'integer' && col.references) {
        const property = name.endsWith('Id') && name.length > 2 ? name.slice(0, -2) : `${name}Ref`;
        relations.push({
          propertyName: property,
          type: 'many-to-one',
          targetTable: col.references.table,
          ...(foreignKeyColumnName(property) === name ? {} : { foreignKeyColumn: name }),
          isNullable: col.nullable !== false,
          onDelete: ON_DELETE[col.references.onDelete ?? 'restrict'] ?? fail(`${where}.references.onDelete`, 'must be restrict, cascade or set null'),
        });
        continue;
      }
      if (name === 'createdAt' || name === 'updatedAt') continue; // every Enfyra table has them
      const increments = col.type === 'increments';
      columns.push({
        name,
        type,
        ...(increments || col.primary ? { isPrimary: true } : {}),
        ...(increments ? { isGenerated: true } : {}),
        isNullable: increments || col.primary ? false : col.nullable !== false,
        ...(col.unique ? { isUnique: true } : {}),
        ...(col.default !== undefined && col.default !== null ? { defaultValue: col.default } : {}),
      });
    }
    out[tableName] = { name: tableName, columns, ...(relations.length > 0 ? { relations } : {}) };
  }
  return out;
}
