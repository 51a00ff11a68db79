/**
 * Starting state in, end state out: cache entries under the environment's
 * namespace (values encoded as `$ctx.$cache` encodes them) and table rows
 * through the same repositories `$ctx.$repos` uses.
 */
import { decode, encode } from '../cache/codec.ts';
import { namespacedKey } from '../cache/keys.ts';
import type { FetchModule } from '../members/fetch/fetch-module.ts';
import { answerFromStubs, type FetchStub } from '../members/fetch/stubs.ts';
import type { Database } from '../repos/database.ts';
import { readFixtureRow, upsertFixtureRow } from '../repos/fixture-rows.ts';
import type { Row } from '../repos/repository.ts';
import { parseDuration } from './duration.ts';
import type { CacheAccess } from './environment.ts';
import type { StateSpec } from './schema.ts';

/**
 * The `$fetch` answers of one fixture file (or one test): none at first, so an unstubbed request fails
 * naming its URL; each `state.fetch` puts its stubs before the earlier ones.
 */
export class FetchStubs {
  private readonly stubs: FetchStub[] = [];

  constructor(fetch: FetchModule) {
    fetch.setAnswer(answerFromStubs(this.stubs));
  }

  add(stubs: readonly FetchStub[]): void {
    this.stubs.unshift(...stubs);
  }
}

/** `database` may be null when the state names no tables; `fetch` when it names no fetch stubs. */
export async function applyState(state: StateSpec, cache: CacheAccess, database: Database | null, fetch: FetchStubs | null = null): Promise<void> {
  if (state.fetch) {
    if (!fetch) throw new Error('state.fetch: no $fetch to stub here');
    fetch.add(state.fetch);
  }
  for (const [key, entry] of Object.entries(state.cache ?? {})) {
    if (entry === null) {
      await cache.driver.delete(namespacedKey(cache.namespace, key));
      continue;
    }
    const ttl = entry.ttl === undefined || entry.ttl === null ? null : parseDuration(entry.ttl)!;
    await cache.driver.set(namespacedKey(cache.namespace, key), encode(entry.value)!, ttl);
  }
  for (const [table, rows] of Object.entries(state.tables ?? {})) {
    if (!database) throw new Error('state.tables: no database to write to');
    for (const [i, row] of rows.entries()) {
      try {
        await upsertFixtureRow(database, table, row);
      } catch (err) {
        throw new Error(`state.tables.${table}[${i}]: ${(err as Error).message}`);
      }
    }
  }
}

/** Decoded values of logical keys; absent keys are left out. */
export async function readCache(cache: CacheAccess, keys: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const raw = await cache.driver.get(namespacedKey(cache.namespace, key));
    if (raw !== null) out[key] = decode(raw);
  }
  return out;
}

/** Rows of `table` by primary key (as written in the fixture: object keys are text); missing rows are left out. */
export async function readRows(database: Database, table: string, ids: readonly string[]): Promise<Record<string, Row>> {
  const out: Record<string, Row> = {};
  for (const id of ids) {
    const row = await readFixtureRow(database, table, id);
    if (row) out[id] = row;
  }
  return out;
}

