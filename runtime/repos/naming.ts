import { createHash } from 'node:crypto';
import { ConfigError } from '../config/load.ts';

/** Identifier length every dialect accepts (PostgreSQL truncates at 63, MySQL refuses over 64). */
const MAX_IDENTIFIER = 60;

/**
 * Name of a unique index or foreign key: readable when short, cut and
 * suffixed with a hash when the table prefix and names make it too long.
 */
export function constraintName(physicalTable: string, column: string, kind: 'unique' | 'foreign'): string {
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
