/** The open database: its knex instance, schema and per-table repositories. */
import type { Knex } from 'knex';
import { HttpError } from '../shared/http-errors.ts';
import type { TableTarget } from './ddl.ts';
import { dialectFor, type DatabaseClient, type Dialect } from './dialect.ts';
import { physicalTableName } from './naming.ts';
import { Repository, TRUSTED_CALL, type RepoCall } from './repository.ts';
import { resolveTable, type DatabaseSchema } from './schema.ts';

export interface Database extends TableTarget {
  readonly client: DatabaseClient;
  readonly knex: Knex;
  readonly dialect: Dialect;
  readonly schema: DatabaseSchema;
  readonly tablePrefix: string;
  /** Physical table name for a schema or junction table. */
  physical(table: string): string;
  /**
   * The repository of a schema table (or alias), serving `call` (default:
   * trusted, no request); an unknown name is a 400 naming the table.
   */
  repository(table: string, call?: RepoCall): Repository;
  close(): Promise<void>;
}

export function createDatabase(knex: Knex, client: DatabaseClient, schema: DatabaseSchema, tablePrefix: string): Database {
  const db: Database = {
    client,
    knex,
    dialect: dialectFor(client),
    schema,
    tablePrefix,
    physical: (table) => physicalTableName(tablePrefix, table),
    repository(name, call = TRUSTED_CALL) {
      const table = resolveTable(schema, name);
      if (!table) {
        throw new HttpError(400, `unknown table "${name}" (tables: ${[...schema.tables.keys()].join(', ') || 'none'})`);
      }
      return new Repository(db, table, call);
    },
    close: () => knex.destroy(),
  };
  return db;
}
