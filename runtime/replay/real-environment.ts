/**
 * --real: the configured cache store and database, shared by the run (one
 * cache connection, one knex pool). Each fixture file gets its own cache
 * namespace and its own seeded tables under a table prefix, so parallel
 * fixtures and parallel runs never see each other's data; both are removed
 * when the fixture ends. Time moves by shortening the TTLs of the keys the
 * fixture wrote (TrackingCacheDriver).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ConfigError, type ResolvedConfig } from '../config/load.ts';
import { Runtime } from '../runtime.ts';
import { createCacheDriver } from '../cache/create-driver.ts';
import { connectServer, connectSqlite } from '../repos/connection.ts';
import { sqliteFile } from '../repos/database.ts';
import { createTables, dropTables } from '../repos/ddl.ts';
import type { Fixtures } from '../repos/fixtures.ts';
import { createDatabase } from '../repos/knex-database.ts';
import { type EnvironmentFactory, type ReplayEnvironment } from './environment.ts';
import { TrackingCacheDriver } from './tracking-driver.ts';

/** `seed`: the schema and seed rows; `runId`: shared by every process of one run (workers get the parent's). */
export async function createRealEnvironments(config: ResolvedConfig, seed: Fixtures, runId: string): Promise<EnvironmentFactory> {
  const shared = createCacheDriver(config.cache);
  const knex = connect(config);
  const { client } = config.database;
  // Environments of fixtures still running: closing the factory (an interrupted run) closes them first.
  const open = new Set<ReplayEnvironment>();
  return {
    async open(_fixture, slot): Promise<ReplayEnvironment> {
      const namespace = `${config.cache.namespace}:replay-${runId}-${slot}`;
      const driver = new TrackingCacheDriver(shared);
      // At most 15 characters: letters, digits and _.
      const database = createDatabase(knex, client, seed.schema, `rp${runId}${slot.toString(36)}_`);
      const cleanup = async () => {
        await driver.cleanup().catch(() => {});
        await dropTables(database).catch(() => {});
      };
      let runtime: Runtime;
      try {
        await createTables(database, seed.seed);
        runtime = await Runtime.create({
          config: { ...config, cache: { ...config.cache, namespace } },
          cwd: config.root,
          env: {},
          cacheDriver: driver,
          database: database,
        });
      } catch (err) {
        await cleanup();
        throw err;
      }
      let closing: Promise<void> | null = null;
      const env: ReplayEnvironment = {
        runtime,
        cache: { driver, namespace },
        database,
        advance: (ms) => driver.advance(ms),
        close() {
          closing ??= (async () => {
            await runtime.close();
            await cleanup();
            open.delete(env);
          })();
          return closing;
        },
      };
      open.add(env);
      return env;
    },
    async close() {
      await Promise.all([...open].map((env) => env.close()));
      await Promise.all([shared.close(), knex.destroy()]);
    },
  };
}

/**
 * One knex for the run. SQLite gets a single connection, so fixtures in this
 * process take turns instead of blocking each other on the file lock.
 */
function connect(config: ResolvedConfig): Knex {
  const db = config.database;
  if (db.client === 'sqlite') {
    const file = sqliteFile(db);
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    return connectSqlite(file);
  }
  if (!db.url) throw new ConfigError(`database.client is "${db.client}" but no url is set: set database.url or DATABASE_URL`);
  return connectServer(db.client, db.url);
}
