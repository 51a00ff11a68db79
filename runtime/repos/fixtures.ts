/**
 * Reads the schema and seed files (format: docs/repos.md,
 * "The schema and seed files"). The schema is Enfyra's table-definition format (the server's
 * data/snapshot.json shape); the format this project used before is
 * converted on the fly. Problems are ConfigErrors naming the file and the
 * spot, so the CLI reports them on one line with exit code 2.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.ts';
import { parseFieldPermissions } from './permissions.ts';
import { parseEnfyraSchema } from './schema-enfyra.ts';
import { convertLegacySchema, looksLikeLegacySchema } from './schema-legacy.ts';
import { EMPTY_SCHEMA, type DatabaseSchema } from './schema.ts';
import { parseSeedRows, type SeedData } from './seed.ts';
import { checkColumnValue } from './values.ts';

export interface Fixtures {
  /** With the seed's field permission records (`enfyra_field_permission`), for `$repos.main` / `secure`. */
  readonly schema: DatabaseSchema;
  readonly seed: SeedData;
}

export interface FixturePaths {
  /** null: no tables (a project whose hooks do not use `$repos`). */
  readonly schema: string | null;
  readonly seed: string | null;
}

export const NO_FIXTURES: Fixtures = { schema: EMPTY_SCHEMA, seed: { rows: new Map(), links: [] } };

/** A missing seed file means no rows; a missing schema file is an error. */
export function loadFixtures(paths: FixturePaths): Fixtures {
  if (paths.schema === null) return NO_FIXTURES;
  const schema = parseSchemaFile(readJson(paths.schema, false), paths.schema);
  const raw = paths.seed === null ? {} : (readJson(paths.seed, true) ?? {});
  return parseSeed(raw, schema, paths.seed ?? 'seed');
}

/** Enfyra table definitions, or the legacy `{ "tables": ... }` format converted to them. */
export function parseSchemaFile(raw: unknown, label: string): DatabaseSchema {
  const enfyra = looksLikeLegacySchema(raw) ? convertLegacySchema(raw as { tables: unknown }, label) : raw;
  return parseEnfyraSchema(enfyra, label, checkColumnValue);
}

/** Seed rows for the schema's tables, plus the field permission records (`enfyra_field_permission`). */
export function parseSeed(raw: unknown, schema: DatabaseSchema, label: string, now = new Date()): Fixtures {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${label}: the top level must be an object of table name → rows`);
  }
  const { enfyra_field_permission: permissions, ...tables } = raw as Record<string, unknown>;
  const seed = parseSeedRows(schema.tables.has('enfyra_field_permission') ? raw : tables, schema, label, now);
  if (permissions === undefined || schema.tables.has('enfyra_field_permission')) return { schema, seed };
  const fieldPermissions = parseFieldPermissions(permissions, schema, seed, `${label}: enfyra_field_permission`);
  return { schema: { ...schema, fieldPermissions }, seed };
}

function readJson(file: string, optional: boolean): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${file}: ${code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}
