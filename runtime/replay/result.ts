/** What replaying produced, for reporters (plain JSON: it crosses process boundaries). */
import type { Warning } from '../shared/diagnostics.ts';
import type { StepActual, StepMismatch } from './check.ts';
import type { Step } from './model.ts';

export interface StepResult {
  index: number;
  label: string;
  kind: Step['kind'];
  /** The hook as the fixture names it (request steps). */
  hook?: string;
  status: 'passed' | 'failed' | 'skipped';
  mismatches: StepMismatch[];
  /** The step could not run at all (state setup failed, the runtime threw), or warned under --strict. */
  error?: string;
  /** Portability and trap warnings of a request step's hooks (each naming the hook line). */
  warnings?: Warning[];
  /** What the request step produced (kept for failures and --update). */
  actual?: StepActual;
  durationMs: number;
}

export interface UpdateChange {
  /** The field, steps counted from 1 as in failure reports: `expect.statusCode in step 4`. */
  field: string;
  before: unknown;
  after: unknown;
}

export interface FixtureResult {
  file: string;
  displayPath: string;
  name: string;
  /** `updated`: --update rewrote its expectations (counts as passed). */
  status: 'passed' | 'failed' | 'invalid' | 'updated';
  durationMs: number;
  steps: StepResult[];
  /** Why the fixture failed outside any step, or why it is invalid. */
  error?: string;
  /** For invalid fixtures: the field at fault (null: the file as a whole). */
  field?: string | null;
  updates?: UpdateChange[];
}

export interface Summary {
  passed: number;
  failed: number;
  invalid: number;
  updated: number;
  durationMs: number;
}

export function summarize(results: readonly FixtureResult[], durationMs: number): Summary {
  const count = (status: FixtureResult['status']) => results.filter((r) => r.status === status).length;
  const updated = count('updated');
  return { passed: count('passed') + updated, failed: count('failed') + count('invalid'), invalid: count('invalid'), updated, durationMs };
}
