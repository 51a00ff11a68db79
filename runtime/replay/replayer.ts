/**
 * Replays fixture files one at a time, each in a fresh environment: load →
 * run → (with --update) rewrite. Used in-process and by worker processes.
 */
import type { ResolvedConfig } from '../config/load.ts';
import { roundMs } from '../context/envelope.ts';
import { loadFixtures, type Fixtures } from '../repos/fixtures.ts';
import type { EnvironmentFactory } from './environment.ts';
import { loadFixture, type LoadResult } from './load.ts';
import type { Fixture, InvalidFixture } from './model.ts';
import { createRealEnvironments } from './real-environment.ts';
import type { FixtureResult } from './result.ts';
import { runFixture } from './run-fixture.ts';
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
}

export class Replayer {
  private readonly options: ReplayerOptions;
  private readonly seed: Fixtures;
  private readonly environments: EnvironmentFactory;

  private constructor(options: ReplayerOptions, seed: Fixtures, environments: EnvironmentFactory) {
    this.options = options;
    this.seed = seed;
    this.environments = environments;
  }

  static async create(options: ReplayerOptions): Promise<Replayer> {
    const seed = loadFixtures(options.config.database);
    const environments = options.real
      ? await createRealEnvironments(options.config, seed, options.runId)
      : await createVirtualEnvironments(options.config, seed);
    return new Replayer(options, seed, environments);
  }

  load(file: string): LoadResult {
    return loadFixture(file, { cwd: this.options.cwd, root: this.options.config.root, tables: new Set(this.seed.schema.tables.keys()) });
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
        result = await runFixture(fixture, env, { runAll: this.options.update });
      } finally {
        await env.close();
      }
    } catch (err) {
      return { ...header(fixture), status: 'failed', durationMs: roundMs(performance.now() - started), steps: [], error: (err as Error)?.message ?? String(err) };
    }
    return this.options.update ? withUpdates(fixture, result) : result;
  }

  close(): Promise<void> {
    return this.environments.close();
  }
}

/** Rewrites the file from the actual results; a step that could not run at all still fails. */
function withUpdates(fixture: Fixture, result: FixtureResult): FixtureResult {
  const updates = updateFixture(fixture, result);
  const broken = result.error !== undefined || result.steps.some((s) => s.error !== undefined);
  const status = broken ? 'failed' : updates.length > 0 ? 'updated' : 'passed';
  return { ...result, status, updates };
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
