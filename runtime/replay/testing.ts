/**
 * Fixtures and state from a user's own tests (vitest, node:test, ...):
 *
 *   import { createRuntime } from 'enfyra-run';
 *   import { expectFixture, seedState, readState } from 'enfyra-run/testing';
 *
 *   test('hello fixture', () => expectFixture('fixtures/requests/hello.json'));
 *
 *   test('a cached profile is served', async () => {
 *     const runtime = await createRuntime();
 *     await seedState(runtime, { cache: { 'user-profile:1': { value: { id: 1 }, ttl: '5m' } } });
 *     const envelope = await runtime.run('hooks/cache-first.js', { params: { id: '1' } });
 *     expect(await readState(runtime, { cache: ['user-profile:1'] })).toEqual({ cache: { 'user-profile:1': { id: 1 } }, tables: {} });
 *     await runtime.close();
 *   });
 *
 * State is written as fixture files write it (`state`: cache entries by
 * logical key, table rows by primary key): no key prefix, no value encoding
 * to know.
 */
import { loadConfig, type ResolvedConfig } from '../config/load.ts';
import type { Runtime } from '../runtime.ts';
import { resolveDatabase } from '../repos/database-handle.ts';
import type { Row } from '../repos/repository.ts';
import { FixtureError, fromZod } from './fixture-error.ts';
import { formatFixture } from './reporters/text.ts';
import type { FixtureResult } from './result.ts';
import { runReplay } from './runner.ts';
import { stateSchema, type StateSpec } from './schema.ts';
import { applyState, FetchStubs, readCache, readRows } from './state.ts';
import { checkStateTables } from './table-check.ts';

export type { FixtureResult, StepResult } from './result.ts';
export type { StateSpec } from './schema.ts';

export interface ReplayFixtureOptions {
  /** Folder the config is looked for from and paths are relative to (default: the working folder). */
  cwd?: string;
  /** A loaded config, or a config file to use (default: enfyra.config.json found from `cwd` upward). */
  config?: ResolvedConfig;
  configPath?: string;
  /** The configured cache and database instead of fresh in-memory ones (as `replay --real`). */
  real?: boolean;
  /** Warnings fail the fixture (default: config compat.strict). */
  strict?: boolean;
}

/** Replays one fixture file as `enfyra-run replay <file>` does, and returns its result. */
export async function replayFixture(file: string, options: ReplayFixtureOptions = {}): Promise<FixtureResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? loadConfig({ configPath: options.configPath, cwd });
  const outcome = await runReplay({ config, cwd, paths: [file], real: options.real, strict: options.strict, jobs: 1 });
  if (outcome.results.length !== 1) throw new Error(`replayFixture: ${file} is not one fixture file (found ${outcome.results.length})`);
  return outcome.results[0]!;
}

/** Replays one fixture file and throws, with the report replay would print, unless it passes. */
export async function expectFixture(file: string, options: ReplayFixtureOptions = {}): Promise<FixtureResult> {
  const result = await replayFixture(file, options);
  if (result.status !== 'passed') {
    const error = new Error(`fixture ${result.displayPath} ${result.status}:\n${formatFixture(result).trimEnd()}`);
    error.name = 'FixtureFailed';
    throw error;
  }
  return result;
}

const fetchStubsByRuntime = new WeakMap<Runtime, FetchStubs>();

/** Once a test seeds `fetch`, that runtime's `$fetch` answers from stubs only. */
function fetchStubsOf(runtime: Runtime): FetchStubs {
  let stubs = fetchStubsByRuntime.get(runtime);
  if (!stubs) fetchStubsByRuntime.set(runtime, (stubs = new FetchStubs(runtime.fetch)));
  return stubs;
}

/** Puts cache entries, table rows and `$fetch` stubs in place through the runtime's stores, as a fixture's `state` does. */
export async function seedState(runtime: Runtime, state: StateSpec): Promise<void> {
  const parsed = stateSchema.safeParse(state);
  try {
    if (!parsed.success) throw fromZod(parsed.error, ['state']);
    const database = parsed.data.tables ? await resolveDatabase(runtime.stores.database) : null;
    if (database && parsed.data.tables) checkStateTables(parsed.data.tables, ['state', 'tables'], { schema: database.schema });
    const fetch = parsed.data.fetch ? fetchStubsOf(runtime) : null;
    await applyState(parsed.data, runtime.stores.cache, database, fetch);
  } catch (err) {
    if (err instanceof FixtureError) throw new TypeError(`seedState: ${err.field ? `${err.field}: ` : ''}${err.message}`);
    throw err;
  }
}

export interface StateQuery {
  /** Logical cache keys. */
  cache?: readonly string[];
  /** Table → primary keys of the rows to read. */
  tables?: Readonly<Record<string, ReadonlyArray<string | number>>>;
}

export interface StateSnapshot {
  /** Decoded values by logical key; absent keys are left out. */
  cache: Record<string, unknown>;
  /** Table → primary key (as text) → row; missing rows are left out. */
  tables: Record<string, Record<string, Row>>;
}

/** Reads cache entries (decoded) and table rows, as a fixture's `expect.cache` / `expect.tables` sees them. */
export async function readState(runtime: Runtime, query: StateQuery): Promise<StateSnapshot> {
  const cache = await readCache(runtime.stores.cache, query.cache ?? []);
  const tables: StateSnapshot['tables'] = {};
  const wanted = Object.entries(query.tables ?? {});
  if (wanted.length > 0) {
    const database = await resolveDatabase(runtime.stores.database);
    for (const [table, ids] of wanted) tables[table] = await readRows(database, table, ids.map(String));
  }
  return { cache, tables };
}
