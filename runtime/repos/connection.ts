/**
 * knex instances for the three clients, with the session settings the rest
 * of this folder relies on.
 */
import { createRequire } from 'node:module';
import BetterSqlite3 from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import type { DatabaseClient } from './dialect.ts';
import { unrefHandle } from '../shared/keep-alive.ts';
import { foldText } from './text-fold.ts';

const require = createRequire(import.meta.url);

// knex's default logger writes to stdout, which would corrupt `--json` output; failures are thrown anyway.
const quiet = () => undefined;
const log = { warn: quiet, error: quiet, deprecate: quiet, debug: quiet };
// knex ships no types for its dialect classes; the base class is typed as Knex.Client.
const BetterSqlite3Client = require('knex/lib/dialects/better-sqlite3/index.js') as typeof Knex.Client;

/**
 * A SQLite database: a file path, or a serialized image (Buffer) opened as a
 * private in-memory database. One connection, kept for the life of the knex
 * instance, so an in-memory database is never lost to the pool.
 */
export function connectSqlite(source: string | Buffer): Knex {
  class Client extends BetterSqlite3Client {
    override async acquireRawConnection(): Promise<BetterSqlite3.Database> {
      const db = new BetterSqlite3(source);
      db.pragma('foreign_keys = ON');
      // Case and accent folding for `_contains` and friends (text-fold.ts); SQLite's lower() is ASCII-only.
      db.function('enfyra_fold', { deterministic: true }, (value: unknown) =>
        typeof value === 'string' ? foldText(value) : value,
      );
      // Writers in other processes (a concurrent `db reset`) hold the file briefly: wait instead of failing.
      db.pragma('busy_timeout = 10000');
      return db;
    }
  }
  return unrefIdle(keepDriverMessages(
    knexFactory({
      client: Client,
      connection: { filename: typeof source === 'string' ? source : ':memory:' },
      useNullAsDefault: true,
      compileSqlOnError: false,
      log,
      pool: { min: 1, max: 1, idleTimeoutMillis: 2_147_483_647 },
    }),
  ));
}

interface TarnPool {
  on(event: 'startReaping', listener: () => void): void;
  on(event: 'createSuccess', listener: (eventId: number, resource: unknown) => void): void;
  interval: NodeJS.Timeout | null;
}

/**
 * An idle pool does not keep the process alive: its reaping timer and its
 * sockets are unref'd, so a program that never closes the runtime still ends.
 * Queries in flight are kept alive by their callers (an invocation's wall
 * timer; shared/keep-alive.ts elsewhere).
 */
function unrefIdle(knex: Knex): Knex {
  const pool = (knex.client as { pool?: TarnPool }).pool;
  if (!pool) return knex;
  // tarn assigns the interval right after announcing it.
  pool.on('startReaping', () => queueMicrotask(() => unrefHandle(pool.interval)));
  // pg keeps its socket at connection.stream, mysql2 at stream.
  pool.on('createSuccess', (_id, resource) => {
    const connection = resource as { stream?: unknown; connection?: { stream?: unknown } };
    unrefHandle(connection.connection?.stream ?? connection.stream);
  });
  return knex;
}

/** The raw better-sqlite3 handle of a knex instance from connectSqlite. */
export async function withRawSqlite<T>(knex: Knex, use: (db: BetterSqlite3.Database) => T): Promise<T> {
  const connection = (await knex.client.acquireConnection()) as BetterSqlite3.Database;
  try {
    return use(connection);
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

// Fixed session semantics for MySQL/MariaDB: strict writes, UTC, and never
// NO_BACKSLASH_ESCAPES, which would break mysql2's client-side escaping.
const MYSQL_SESSION = [
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  "SET SESSION time_zone = '+00:00'",
];

interface MysqlField {
  type: string;
  string(): string | null;
}
interface MysqlConnection {
  query(sql: string, callback: (err: Error | null) => void): void;
}

export function connectServer(client: Exclude<DatabaseClient, 'sqlite'>, url: string): Knex {
  if (client === 'pg') {
    return unrefIdle(
      keepDriverMessages(
        knexFactory({ client: 'pg', connection: { connectionString: url }, pool: { min: 0, max: 10 }, compileSqlOnError: false, log }),
      ),
    );
  }
  const u = new URL(url);
  return unrefIdle(keepDriverMessages(knexFactory({
    client: 'mysql2',
    compileSqlOnError: false,
    log,
    connection: {
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')),
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: false,
      // MySQL's native JSON type would arrive parsed and MariaDB's (LONGTEXT) as text: take both as text.
      typeCast: (field: MysqlField, next: () => unknown) => (field.type === 'JSON' ? field.string() : next()),
    },
    pool: {
      min: 0,
      max: 10,
      afterCreate(connection: MysqlConnection, done: (err: Error | null, connection: MysqlConnection) => void) {
        const [first, second] = MYSQL_SESSION;
        connection.query(first!, (err) => {
          if (err) return done(err, connection);
          connection.query(second!, (err2) => done(err2, connection));
        });
      },
    },
  })));
}

/**
 * knex prefixes a failed query's message with its SQL (with the values
 * inlined, unless compileSqlOnError is off, as here). Error messages that
 * reach scripts carry the driver's own message only: `driverMessage`.
 */
function keepDriverMessages(knex: Knex): Knex {
  knex.on('query-error', (err: unknown, query: { sql?: string }) => {
    if (!(err instanceof Error) || typeof query?.sql !== 'string') return;
    const prefix = `${query.sql} - `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    Object.defineProperty(err, 'driverMessage', { value: message, enumerable: false, configurable: true });
  });
  return knex;
}

/** The driver's message of a query error, without the SQL knex put in front of it. */
export function driverMessage(err: unknown): string {
  const e = err as { driverMessage?: unknown; message?: unknown };
  if (typeof e?.driverMessage === 'string') return e.driverMessage;
  return typeof e?.message === 'string' ? e.message : String(err);
}
