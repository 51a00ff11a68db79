/** A fixture file after validation: what the runner executes. */
import type { HookChainTargets } from '../runtime.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';
import type { HookRequest } from '../context/request.ts';
import type { PathSegment } from '../shared/field-path.ts';
import type { ExpectSpec, StateSpec } from './schema.ts';

interface StepBase {
  /** 1-based position in the sequence. */
  index: number;
  name?: string;
  /** How reports name the step: `step 3 "11th request"`, or `request` in a one-request fixture. */
  label: string;
}

export interface FixtureUpload {
  /** Absolute path of the file to upload. */
  path: string;
  fieldname?: string;
  mimetype?: string;
}

export interface RequestStep extends StepBase {
  kind: 'request';
  /** Absolute hook paths. */
  targets: HookChainTargets;
  /** The handler (or first hook) as written in the fixture, for reports. */
  hookLabel: string;
  table?: string;
  /** Set for a request through the HTTP pipeline (`method` + `path`); `targets` is then empty. */
  http?: { method: string; path: string };
  request: HookRequest;
  /** Set for a single script run as another kind than a route hook (`kind` in the fixture). */
  script?: { kind: ScriptKind; event?: string; args?: unknown };
  /** `request.file`: copied to a temp upload (as multer stores one) for the step's run; a `method` + `path` step sends it in a multipart form. */
  upload?: FixtureUpload;
  expect: ExpectSpec;
  /** Where `expect` sits in the file's JSON (for --update): ['expect'] or ['steps', 2, 'expect']. */
  expectPath: PathSegment[];
}

export interface AdvanceStep extends StepBase {
  kind: 'advance';
  ms: number;
}

export interface StateStep extends StepBase {
  kind: 'state';
  state: StateSpec;
}

export type Step = RequestStep | AdvanceStep | StateStep;

export interface Fixture {
  /** Absolute path of the file. */
  file: string;
  /** The path as reports show it (relative to the working folder). */
  displayPath: string;
  name: string;
  startTime: number;
  state?: StateSpec;
  steps: Step[];
  /** The parsed file, kept for --update. */
  raw: Record<string, unknown>;
}

export interface InvalidFixture {
  file: string;
  displayPath: string;
  /** The offending field (`expect.statusCode in step 3`), or null when the file itself is the problem. */
  field: string | null;
  message: string;
}

/** Where the virtual clock starts unless a fixture says otherwise. */
export const DEFAULT_START_TIME = Date.UTC(2024, 0, 1);
