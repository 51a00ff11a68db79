/**
 * Replays fixture files one at a time, each in a fresh environment: load →
 * run → (with --update) rewrite. Used in-process and by worker processes.
 */
import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../config/load.ts';
import type { DatabaseConfig } from '../config/schema.ts';
import { roundMs } from '../context/envelope.ts';
import { loadFixtures, type Fixtures } from '../repos/fixtures.ts';
import type { EnvironmentFactory } from './environment.ts';
import { loadFixture, type LoadResult } from './load.ts';
import type { Fixture, InvalidFixture } from './model.ts';
import { createRealEnvironments } from './real-environment.ts';
import type { FixtureResult, StepResult } from './result.ts';
import { isConfigError, runFixture } from './run-fixture.ts';
import type { TableContext } from './table-check.ts';
import { updateFixture } from './update.ts';
import { createVirtualEnvironments } from './virtual-environment.ts';

export interface ReplayerOptions {
  config: ResolvedConfig;
  /** Fixture paths in reports are relative to this folder. */
  cwd: string;
  /** Configured cache and database instead of fresh in-memory ones. */
  real?: boolean;
  /** Identifies this run's cache namespaces and table prefixes (--real). */
  runId: string;
  update?: boolean;
  /** Warnings fail the step they happen in (--strict). */
  strict?: boolean;
}

export class Replayer {
  private readonly options: ReplayerOptions;
  private readonly tables: TableContext;
  private readonly environments: EnvironmentFactory;
  private closing: Promise<void> | null = null;

  private constructor(options: ReplayerOptions, tables: TableContext, environments: EnvironmentFactory) {
    this.options = options;
    this.tables = tables;
    this.environments = environments;
  }

  static async create(options: ReplayerOptions): Promise<Replayer> {
    const { seed, noSchemaReason } = loadSeed(options.config.database);
    const environments = options.real
      ? await createRealEnvironments(options.config, seed, options.runId)
      : await createVirtualEnvironments(options.config, seed);
    return new Replayer(options, { schema: seed.schema, noSchemaReason }, environments);
  }

  load(file: string): LoadResult {
    return loadFixture(file, { cwd: this.options.cwd, root: this.options.config.root, tables: this.tables });
  }

  /** `slot`: unique within the run (names the fixture's namespace under --real). */
  async replayFile(file: string, slot: number): Promise<FixtureResult> {
    const loaded = this.load(file);
    return loaded.ok ? this.replay(loaded.fixture, slot) : invalidResult(loaded.invalid);
  }

  async replay(fixture: Fixture, slot: number): Promise<FixtureResult> {
    const started = performance.now();
    let result: FixtureResult;
    try {
      const env = await this.environments.open(fixture, slot);
      try {
        result = await runFixture(fixture, env, { runAll: this.options.update, strict: this.options.strict });
      } finally {
        await env.close();
      }
    } catch (err) {
      if (isConfigError(err)) return { ...header(fixture), status: 'invalid', durationMs: 0, steps: [], field: null, error: `configuration error: ${(err as Error).message}` };
      return { ...header(fixture), status: 'failed', durationMs: roundMs(performance.now() - started), steps: [], error: (err as Error)?.message ?? String(err) };
    }
    return this.options.update ? withUpdates(fixture, result) : result;
  }

  /** Closes the environments (a fixture still running is interrupted); every call settles when that is done. */
  close(): Promise<void> {
    this.closing ??= this.environments.close();
    return this.closing;
  }
}

/**
 * Rewrites the file from the actual results, only when every step ran: a step
 * that could not run, or a hook that does not compile, fails the fixture and
 * leaves the file as it was.
 */
function withUpdates(fixture: Fixture, result: FixtureResult): FixtureResult {
  const steps = result.steps.map(refuseSyntaxError);
  const broken = result.error !== undefined || steps.some((s) => s.error !== undefined);
  if (broken) return { ...result, steps, status: 'failed', updates: [] };
  const updates = updateFixture(fixture, result);
  return { ...result, status: updates.length > 0 ? 'updated' : 'passed', updates };
}

/**
 * A SyntaxError that does not match the expectation already is never
 * recorded as the expected result: it is almost always a hook that does not
 * compile. (One a hook throws on purpose, e.g. from JSON.parse, can be written
 * into the fixture by hand; replay then passes, and --update keeps it.)
 */
function refuseSyntaxError(step: StepResult): StepResult {
  const error = step.actual?.envelope.error;
  if (step.status !== 'failed' || step.error !== undefined || error?.name !== 'SyntaxError') return step;
  return { ...step, error: `${error.name}: ${error.message} — --update does not record a syntax error as the expected result; fix the hook` };
}

/** The schema and seed to replay against. A project without a schema file replays fixtures that use no tables. */
function loadSeed(database: DatabaseConfig): { seed: Fixtures; noSchemaReason?: string } {
  if (database.schema === null) return { seed: loadFixtures(database), noSchemaReason: 'no database schema: database.schema is null' };
  if (!existsSync(database.schema)) {
    return { seed: loadFixtures({ schema: null, seed: null }), noSchemaReason: `no database schema: ${database.schema} does not exist` };
  }
  return { seed: loadFixtures(database) };
}

export function invalidResult(invalid: InvalidFixture): FixtureResult {
  return {
    file: invalid.file,
    displayPath: invalid.displayPath,
    name: invalid.displayPath,
    status: 'invalid',
    durationMs: 0,
    steps: [],
    error: invalid.message,
    field: invalid.field,
  };
}

function header(fixture: Fixture): Pick<FixtureResult, 'file' | 'displayPath' | 'name'> {
  return { file: fixture.file, displayPath: fixture.displayPath, name: fixture.name };
}
