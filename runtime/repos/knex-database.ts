/** The open database: its knex instance, schema and per-table repositories. */
import type { Knex } from 'knex';
import { HttpError } from '../shared/http-errors.ts';
import type { TableTarget } from './ddl.ts';
import { dialectFor, type DatabaseClient, type Dialect } from './dialect.ts';
import { Repository } from './repository.ts';
import type { DatabaseSchema } from './schema.ts';

export interface Database extends TableTarget {
  readonly client: DatabaseClient;
  readonly knex: Knex;
  readonly dialect: Dialect;
  readonly schema: DatabaseSchema;
  readonly tablePrefix: string;
  /** Physical table name for a schema table. */
  physical(table: string): string;
  /** The repository of a schema table; unknown names are a 400 naming the table. */
  repository(table: string): Repository;
  close(): Promise<void>;
}

export function createDatabase(knex: Knex, client: DatabaseClient, schema: DatabaseSchema, tablePrefix: string): Database {
  const repositories = new Map<string, Repository>();
  const db: Database = {
    client,
    knex,
    dialect: dialectFor(client),
    schema,
    tablePrefix,
    physical: (table) => tablePrefix + table,
    repository(name) {
      let repository = repositories.get(name);
      if (!repository) {
        const table = schema.tables.get(name);
        if (!table) {
          throw new HttpError(400, `unknown table "${name}" (tables: ${[...schema.tables.keys()].join(', ') || 'none'})`);
        }
        repository = new Repository(db, table);
        repositories.set(name, repository);
      }
      return repository;
    },
    close: () => knex.destroy(),
  };
  return db;
}
