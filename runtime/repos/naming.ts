/**
 * Physical names: the foreign-key columns and junction tables Enfyra
 * generates for relations (so a schema exported from Enfyra finds its
 * columns where Enfyra put them), and constraint names that fit every
 * dialect's identifier limit.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../config/load.ts';

/** PostgreSQL's identifier limit; Enfyra shortens junction names past it. */
const PG_IDENTIFIER_LIMIT = 63;
/** Identifier length every dialect accepts (PostgreSQL truncates at 63, MySQL refuses over 64). */
const MAX_IDENTIFIER = 60;

const md5Short = (text: string) => createHash('md5').update(text).digest('hex').slice(0, 8);

/** `author` → `authorId`: the column holding a many-to-one (or owning one-to-one) reference. */
export function foreignKeyColumnName(propertyOrTable: string): string {
  return `${propertyOrTable}Id`;
}

/** `<source>_<property>_<target>`, or Enfyra's hashed short form when that exceeds 63 characters. */
export function junctionTableName(sourceTable: string, propertyName: string, targetTable: string): string {
  const full = `${sourceTable}_${propertyName}_${targetTable}`;
  if (full.length <= PG_IDENTIFIER_LIMIT) return full;
  const abbreviate = (name: string) => name.replace(/_definition/g, '').slice(0, 10);
  return `j_${md5Short(full)}_${abbreviate(sourceTable)}_${propertyName.slice(0, 10)}_${abbreviate(targetTable)}`;
}

/** The junction's two columns; a self-referencing relation names the target side after the property. */
export function junctionColumnNames(
  sourceTable: string,
  propertyName: string,
  targetTable: string,
): { sourceColumn: string; targetColumn: string } {
  return {
    sourceColumn: foreignKeyColumnName(sourceTable),
    targetColumn: foreignKeyColumnName(sourceTable === targetTable ? propertyName : targetTable),
  };
}

/**
 * Name of a unique index, foreign key or junction key: readable when short,
 * cut and suffixed with a hash when the table prefix and names make it too long.
 */
export function constraintName(physicalTable: string, column: string, kind: string): string {
  const name = `${physicalTable}_${column}_${kind}`;
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER - hash.length - 1)}_${hash}`;
}

/** A table prefix fits in front of any schema table name (at most 48 characters) within PostgreSQL's 63. */
export function checkTablePrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_]{0,15}$/.test(prefix)) {
    throw new ConfigError(`table prefix "${prefix}": use at most 15 letters, digits or _`);
  }
  return prefix;
}

/**
 * The physical name of a logical table under a prefix. Junction names can be
 * 63 characters on their own; a name that no longer fits gets a hashed tail.
 */
export function physicalTableName(prefix: string, table: string): string {
  const name = prefix + table;
  if (name.length <= PG_IDENTIFIER_LIMIT) return name;
  return `${name.slice(0, PG_IDENTIFIER_LIMIT - 9)}_${md5Short(name)}`;
}
