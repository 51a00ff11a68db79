/**
 * The SQL servers the database tests run against, and per-test isolation.
 *
 * PostgreSQL: ENFYRA_TEST_PG_URL, else 127.0.0.1:5432 database `test` as
 * user `postgres` or `root` (trust auth). MariaDB/MySQL: ENFYRA_TEST_MYSQL_URL,
 * else root@127.0.0.1:3306/test with an empty password. An unreachable
 * server is skipped with a loud warning — unless ENFYRA_REQUIRE_DB=1, then
 * the probe throws and the suite fails.
 */
import { randomBytes } from 'node:crypto';
import type { DatabaseConfig } from '../../runtime/config/schema.ts';
import { databaseSchema } from '../../runtime/config/schema.ts';
import { connectServer } from '../../runtime/repos/connection.ts';
import type { DatabaseClient } from '../../runtime/repos/dialect.ts';

export interface TestDatabase {
  readonly client: DatabaseClient;
  /** Human name for test titles. */
  readonly label: string;
  /** Config to pass to openDatabase/resetDatabase (pair it with uniqueTablePrefix()). */
  readonly config: DatabaseConfig;
  /** Why the dialect is skipped, or null when it is available. */
  readonly skipReason: string | null;
}

const PROBE_TIMEOUT_MS = 3000;

export function requireDatabases(): boolean {
  return process.env.ENFYRA_REQUIRE_DB === '1';
}

/** A table prefix no other test or concurrent run uses. */
export function uniqueTablePrefix(): string {
  return `t${randomBytes(5).toString('hex')}_`;
}

export function sqliteTestDatabase(sqlitePath = ':memory:'): TestDatabase {
  return {
    client: 'sqlite',
    label: 'SQLite',
    config: databaseSchema.parse({ client: 'sqlite', url: sqlitePath === ':memory:' ? 'sqlite::memory:' : undefined, sqlitePath }),
    skipReason: null,
  };
}

export async function postgresTestDatabase(): Promise<TestDatabase> {
  const candidates = process.env.ENFYRA_TEST_PG_URL
    ? [process.env.ENFYRA_TEST_PG_URL]
    : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
  return probe('pg', 'PostgreSQL', candidates);
}

export async function mariadbTestDatabase(): Promise<TestDatabase> {
  const candidates = [process.env.ENFYRA_TEST_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306/test'];
  return probe('mysql', 'MariaDB/MySQL', candidates);
}

async function probe(client: 'pg' | 'mysql', label: string, urls: string[]): Promise<TestDatabase> {
  const failures: string[] = [];
  for (const url of urls) {
    const error = await tryConnect(client, url);
    if (error === null) {
      return { client, label, config: databaseSchema.parse({ client, url }), skipReason: null };
    }
    failures.push(`${redact(url)}: ${error}`);
  }
  const reason = `${label} unreachable (${failures.join('; ')})`;
  if (requireDatabases()) throw new Error(`ENFYRA_REQUIRE_DB=1 but ${reason}`);
  console.warn(`\n!!! SKIPPING ${label} database tests: ${reason}\n!!! Set ENFYRA_REQUIRE_DB=1 to make this a failure.\n`);
  return { client, label, config: databaseSchema.parse({ client, url: urls[0] }), skipReason: reason };
}

async function tryConnect(client: 'pg' | 'mysql', url: string): Promise<string | null> {
  const knex = connectServer(client, url);
  try {
    await withTimeout(knex.raw('select 1'), PROBE_TIMEOUT_MS);
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? String(err);
  } finally {
    await knex.destroy().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
