/**
 * The configured database, opened on first use: a run whose hooks never
 * touch `$repos` never reads the schema file, creates the SQLite file or
 * connects to a server. Mistakes in the schema and seed files surface at
 * that first use, as ConfigErrors naming the file.
 */
import { ConfigError } from '../config/load.ts';
import type { DatabaseConfig } from '../config/schema.ts';
import { HttpError } from '../shared/http-errors.ts';
import type { Database, OpenOptions } from './database.ts';
import type { Repository } from './repository.ts';

export class DatabaseHandle {
  private readonly options: OpenOptions;
  private readonly config: DatabaseConfig;
  private opening: Promise<Database> | null = null;

  constructor(config: DatabaseConfig, options: OpenOptions = {}) {
    this.config = config;
    this.options = options;
  }

  /**
   * The open database. A server that cannot be reached is a 503-class error
   * (as for the cache); a failed open is retried by the next call.
   */
  open(): Promise<Database> {
    // database.js (knex and its dialects) and the schema/seed readers are loaded on first use, not at start-up.
    this.opening ??= Promise.all([import('./database.ts'), import('./fixtures.ts')])
      .then(([{ openDatabase }, { loadFixtures }]) =>
        openDatabase(this.config, { ...this.options, fixtures: this.options.fixtures ?? loadFixtures(this.config) }),
      )
      .catch((err: unknown) => {
        this.opening = null;
        if (err instanceof ConfigError || err instanceof HttpError) throw err;
        throw new HttpError(503, `database unavailable: ${(err as Error).message ?? String(err)}`);
      });
    return this.opening;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    const db = await opening?.catch(() => null);
    await db?.close();
  }

  /** The repository `$repos` calls go through; a subclass may wrap it to watch the calls (the dev server's activity). */
  observe(repository: Repository): Repository {
    return repository;
  }
}

/** What `$repos` can run on: an open database, or one to open when first needed. */
export type DatabaseSource = Database | DatabaseHandle;

export function resolveDatabase(source: DatabaseSource): Promise<Database> {
  return source instanceof DatabaseHandle ? source.open() : Promise.resolve(source);
}
