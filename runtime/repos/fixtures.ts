/**
 * Reads the schema and seed files (format: README, "Fixtures: schema and seed"). Problems are
 * ConfigErrors naming the file and the spot, so the CLI reports them on one
 * line with exit code 2.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.ts';
import { HttpError } from '../shared/http-errors.ts';
import { isPlainObject, prepareInsert, type RowValues } from './row-write.ts';
import { parseSchema, type DatabaseSchema } from './schema.ts';
import { checkColumnValue } from './values.ts';

export interface Fixtures {
  readonly schema: DatabaseSchema;
  /** Validated rows per table, ready to insert. */
  readonly seed: ReadonlyMap<string, readonly RowValues[]>;
}

export interface FixturePaths {
  /** null: no database (no tables). */
  readonly schema: string | null;
  readonly seed: string | null;
}

/** A missing seed file means no rows; a missing schema file is an error; a null schema means no tables. */
export function loadFixtures(paths: FixturePaths): Fixtures {
  if (paths.schema === null) return { schema: { tables: new Map() }, seed: new Map() };
  const schema = parseSchema(readJson(paths.schema, false), paths.schema, checkColumnValue);
  if (paths.seed === null) return { schema, seed: new Map() };
  return { schema, seed: parseSeed(readJson(paths.seed, true) ?? {}, schema, paths.seed) };
}

export function parseSeed(raw: unknown, schema: DatabaseSchema, label: string, now = new Date()): Map<string, RowValues[]> {
  if (!isPlainObject(raw)) throw new ConfigError(`${label}: the top level must be an object of table name → rows`);
  const seed = new Map<string, RowValues[]>();
  for (const [tableName, rows] of Object.entries(raw)) {
    if (tableName === '$comment') continue;
    const table = schema.tables.get(tableName);
    if (!table) throw new ConfigError(`${label}: "${tableName}" is not a table of the schema`);
    if (!Array.isArray(rows)) throw new ConfigError(`${label}: ${tableName}: expected an array of rows`);
    seed.set(
      tableName,
      rows.map((row, i) => {
        try {
          return prepareInsert(table, row, now);
        } catch (err) {
          if (err instanceof HttpError) throw new ConfigError(`${label}: ${tableName}[${i}]: ${err.message}`);
          throw err;
        }
      }),
    );
  }
  return seed;
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
