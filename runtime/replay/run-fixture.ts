/**
 * Replays one fixture file in an environment: starting state, then the steps
 * in order. A sequence stops at its first failing step (later steps would
 * only fail in its wake) unless every step's actual result is wanted (--update).
 */
import { ConfigError } from '../config/load.ts';
import { roundMs, type Envelope } from '../context/envelope.ts';
import { checkStep, type StepActual } from './check.ts';
import type { ReplayEnvironment } from './environment.ts';
import type { Fixture, RequestStep, Step } from './model.ts';
import type { FixtureResult, StepResult } from './result.ts';
import { prepareUpload } from '../members/storage/uploaded-file.ts';
import { applyState, FetchStubs, readCache, readRows } from './state.ts';
import { runHttpStep } from './http-step.ts';

export interface RunFixtureOptions {
  /** Run every step even after a failure, and keep every step's actual result. */
  runAll?: boolean;
  /** A request step whose hooks warn fails (--strict). */
  strict?: boolean;
}

/**
 * A configuration problem met while replaying (the database does not match
 * the schema, a table the schema names is missing): the fixture is reported
 * invalid (exit code 2), not as a hook failure.
 */
export async function runFixture(fixture: Fixture, env: ReplayEnvironment, options: RunFixtureOptions = {}): Promise<FixtureResult> {
  try {
    return await runSteps(fixture, env, options);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    const { file, displayPath, name } = fixture;
    return { file, displayPath, name, status: 'invalid', durationMs: 0, steps: [], field: null, error: `configuration error: ${(err as Error).message}` };
  }
}

/** A ConfigError thrown here, or one a host module raised inside the hook (it crosses the sandbox by name). */
export function isConfigError(err: unknown): boolean {
  return err instanceof ConfigError || (err as Error | null)?.name === 'ConfigError';
}

async function runSteps(fixture: Fixture, env: ReplayEnvironment, options: RunFixtureOptions): Promise<FixtureResult> {
  const started = performance.now();
  const result: FixtureResult = {
    file: fixture.file,
    displayPath: fixture.displayPath,
    name: fixture.name,
    status: 'passed',
    durationMs: 0,
    steps: [],
  };
  const fetch = new FetchStubs(env.runtime.fetch);
  try {
    if (fixture.state) await applyState(fixture.state, env.cache, env.database, fetch);
  } catch (err) {
    if (isConfigError(err)) throw err;
    result.status = 'failed';
    result.error = `starting state: ${(err as Error).message}`;
  }
  for (const step of fixture.steps) {
    if (result.status === 'failed' && !options.runAll) {
      result.steps.push({ ...stepHeader(step), status: 'skipped', mismatches: [], durationMs: 0 });
      continue;
    }
    const outcome = await runStep(step, env, fetch, options);
    result.steps.push(outcome);
    if (outcome.status === 'failed') result.status = 'failed';
  }
  result.durationMs = roundMs(performance.now() - started);
  return result;
}

async function runStep(step: Step, env: ReplayEnvironment, fetch: FetchStubs, options: RunFixtureOptions): Promise<StepResult> {
  const started = performance.now();
  const done = (rest: Pick<StepResult, 'status' | 'mismatches' | 'error' | 'actual' | 'warnings'>): StepResult => ({
    ...stepHeader(step),
    ...rest,
    durationMs: roundMs(performance.now() - started),
  });
  try {
    if (step.kind === 'advance') await env.advance(step.ms);
    else if (step.kind === 'state') await applyState(step.state, env.cache, env.database, fetch);
    else {
      const actual = await runRequest(step, env, options);
      const mismatches = checkStep(step.expect, actual);
      const { warnings } = actual.envelope;
      const shown = warnings.length > 0 ? { warnings } : {};
      if (options.strict && warnings.length > 0) {
        const error = `--strict: ${warnings.length === 1 ? 'a warning fails' : `${warnings.length} warnings fail`} the step`;
        return done({ status: 'failed', mismatches, actual, error, ...shown });
      }
      const failed = mismatches.length > 0;
      return done({ status: failed ? 'failed' : 'passed', mismatches, actual: failed || options.runAll ? actual : undefined, ...shown });
    }
    return done({ status: 'passed', mismatches: [] });
  } catch (err) {
    if (isConfigError(err)) throw err;
    return done({ status: 'failed', mismatches: [], error: (err as Error)?.message ?? String(err) });
  }
}

async function runRequest(step: RequestStep, env: ReplayEnvironment, options: RunFixtureOptions): Promise<StepActual> {
  // A request through the pipeline sends the file in a multipart form, which the pipeline stores as multer does.
  const upload = step.upload && !step.http ? prepareUpload(step.upload.path, step.upload.fieldname, step.upload.mimetype) : null;
  const request = upload ? { ...step.request, file: upload.file } : step.request;
  let envelope: Envelope;
  try {
    if (step.script) {
      const { kind, event, args } = step.script;
      envelope = await env.runtime.runKind(step.targets.handler!, kind, request, { mainTable: step.table, strict: options.strict, event, args });
    } else {
      ({ envelope } = step.http
        ? await runHttpStep(step.http, request, env, step.upload)
        : await env.runtime.runChain(step.targets, request, { mainTable: step.table, strict: options.strict }));
    }
  } finally {
    upload?.cleanup();
  }
  if (envelope.error?.name === 'ConfigError') throw new ConfigError(envelope.error.message);
  const tables: StepActual['tables'] = {};
  for (const [table, rows] of Object.entries(step.expect.tables ?? {})) {
    tables[table] = await readRows(env.database, table, Object.keys(rows));
  }
  return { envelope, cache: await readCache(env.cache, Object.keys(step.expect.cache ?? {})), tables };
}

function stepHeader(step: Step): Pick<StepResult, 'index' | 'label' | 'kind' | 'hook'> {
  return { index: step.index, label: step.label, kind: step.kind, ...(step.kind === 'request' ? { hook: step.hookLabel } : {}) };
}
