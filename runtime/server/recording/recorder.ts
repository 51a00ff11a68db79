/**
 * `--record <dir>`: each request becomes a replayable fixture file (docs/dev-server.md,
 * "Recording fixtures") — the request, the starting state it read
 * (cache keys and full table rows, as they were before it touched them), and
 * what came out (status, body or data, logs, warnings, effects, the cache
 * keys and rows it changed), with volatile values turned into matchers
 * (volatile.ts).
 *
 * Rows the request created are checked through the answer, not under
 * `tables`: a replay's fresh database may give them other ids.
 *
 * A multipart form is written down as its text fields (`body`) and its file
 * (`file`), copied to `<dir>/files/<hash of its bytes>/<its name>`, so the
 * replay sends the same form (replay/http-step.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Envelope } from '../../context/envelope.ts';
import type { HookRequest } from '../../context/request.ts';
import type { RequestActivity } from '../activity/request-activity.ts';
import { UPLOAD_FIELD } from '../../members/storage/uploaded-file.ts';
import { contentType, MULTIPART_FORM, readForm } from '../http/multipart.ts';
import { headerValue, type PipelineRequest, type PipelineResult } from '../pipeline.ts';
import { displayPath } from '../../shared/display-path.ts';
import { collectStrings, withMatchers, type VolatileContext } from './volatile.ts';

/** Request headers that say nothing about the request's meaning (or are replaced, like the token by `user`). */
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept',
  'accept-encoding',
  'accept-language',
  'keep-alive',
  'authorization',
  'cookie',
  'user-agent',
  'x-correlation-id',
  'cache-control',
  'pragma',
  'referer',
]);

export interface RecorderOptions {
  /** Folder the fixtures are written to (created if missing). */
  dir: string;
  /** Project root: hook paths in fixtures are relative to it. */
  root: string;
}

export interface RecordedOutcome {
  envelope: Envelope;
  activity: RequestActivity;
  startedMs: number;
  endedMs: number;
}

export class Recorder {
  private readonly options: RecorderOptions;

  constructor(options: RecorderOptions) {
    this.options = options;
    mkdirSync(options.dir, { recursive: true });
  }

  get dir(): string {
    return this.options.dir;
  }

  /** A request through the pipeline → a fixture naming the request (`method` + `path`). Returns the file written. */
  async recordRequest(request: PipelineRequest, result: PipelineResult, auth: { userIdOf(token: string): Promise<unknown> }): Promise<string> {
    const startedMs = Date.parse(result.trace.startedAt);
    const endedMs = startedMs + result.trace.durationMs;
    const fixtureRequest: Record<string, unknown> = {};
    const headers = keptHeaders(request.headers);
    const form = await this.recordedForm(request);
    const body = form ? form.body : recordedBody(request);
    if (body !== undefined) fixtureRequest.body = body;
    if (form?.file) fixtureRequest.file = form.file;
    // The replay makes its own boundary.
    if (form) headers['content-type'] = MULTIPART_FORM;
    const user = await recordedUser(request, auth);
    if (user !== undefined) fixtureRequest.user = user;
    else if (request.headers.authorization) headers.authorization = headerValue(request.headers, 'authorization')!;
    if (Object.keys(headers).length) fixtureRequest.headers = headers;
    const fixture = this.fixture(
      `${request.method} ${request.url}`,
      { method: request.method, path: request.url },
      fixtureRequest,
      { envelope: result.envelope, activity: result.activity, startedMs, endedMs },
      [request, body],
      { statusCode: result.status, data: result.body === undefined ? null : result.body },
    );
    return this.write(`${request.method.toLowerCase()}-${slug(request.url)}`, fixture);
  }

  /** A hook run (`enfyra-run run --record`) → a fixture naming the hook. */
  recordHook(hookFile: string, request: HookRequest, outcome: RecordedOutcome): string {
    const hook = displayPath(this.options.root, path.resolve(hookFile));
    const fixtureRequest = Object.fromEntries(Object.entries(request).filter(([k, v]) => v !== undefined && k !== 'env'));
    // A fixture has no rawBody: replay derives it from the body, as --body did.
    if (request.rawBody !== undefined && isBodyText(request.rawBody, request.body)) delete fixtureRequest.rawBody;
    // Called while the upload's temp copy still exists.
    const upload = request.file;
    if (upload) fixtureRequest.file = this.keepFile(readFileSync(upload.path), upload.originalname, upload.mimetype, upload.fieldname);
    const fixture = this.fixture(`${hook}`, { hook }, fixtureRequest, outcome, [fixtureRequest], {
      statusCode: outcome.envelope.statusCode,
      data: outcome.envelope.data,
      error: outcome.envelope.error,
    });
    return this.write(`run-${slug(hook)}`, fixture);
  }

  private fixture(
    name: string,
    target: Record<string, unknown>,
    request: Record<string, unknown>,
    outcome: RecordedOutcome,
    inputs: unknown[],
    answer: Record<string, unknown>,
  ): Record<string, unknown> {
    const { activity, envelope } = outcome;
    const state = startingState(activity);
    const context: VolatileContext = {
      startedMs: outcome.startedMs,
      endedMs: outcome.endedMs,
      known: collectStrings([state, ...inputs]),
      createdIds: new Set([...activity.rows.values()].filter((r) => r.created).map((r) => r.id)),
    };
    const expect: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(answer)) expect[field] = withMatchers(value, context);
    expect.logs = withMatchers(envelope.logs, context);
    if (envelope.warnings.length) expect.warnings = envelope.warnings;
    if (envelope.effects.length) expect.effects = withMatchers(envelope.effects, context);
    const cache = expectedCache(activity);
    if (Object.keys(cache).length) expect.cache = withMatchers(cache, context);
    const tables = expectedTables(activity);
    if (Object.keys(tables).length) expect.tables = withMatchers(tables, context);
    return {
      name: `${name} (recorded ${new Date(outcome.startedMs).toISOString()})`,
      ...target,
      ...(Object.keys(request).length ? { request } : {}),
      ...(Object.keys(state).length ? { state } : {}),
      expect,
    };
  }

  /**
   * A multipart form as its fields and its one file, the file copied under `<dir>/files`; undefined for any
   * other body, and for a form that is not written down so (malformed, or with more than one file): its text is kept.
   */
  private async recordedForm(request: PipelineRequest): Promise<{ body?: Record<string, unknown>; file?: Record<string, string> } | undefined> {
    if (!request.rawBody || !contentType(request.headers).includes(MULTIPART_FORM)) return undefined;
    const form = await readForm(request.headers, request.rawBody).catch(() => null);
    if (!form || form.files.length > 1) return undefined;
    const [file] = form.files;
    return {
      ...(Object.keys(form.fields).length ? { body: form.fields } : {}),
      ...(file ? { file: this.keepFile(file.buffer, file.originalname, file.mimetype, file.fieldname) } : {}),
    };
  }

  /** An uploaded file, copied to `<dir>/files/<hash of its bytes>/<its name>` → the fixture's `request.file`. */
  private keepFile(bytes: Buffer, originalname: string, mimetype: string, fieldname: string): Record<string, string> {
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    const base = path.basename(originalname);
    const target = path.join(this.options.dir, 'files', hash, base === '' || base === '.' || base === '..' ? 'upload' : base);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    return {
      path: displayPath(this.options.root, target),
      mimetype,
      ...(fieldname === UPLOAD_FIELD ? {} : { fieldname }),
    };
  }

  private write(base: string, fixture: Record<string, unknown>): string {
    const text = JSON.stringify(fixture, null, 2) + '\n';
    for (let n = 1; ; n++) {
      const file = path.join(this.options.dir, `${base}${n === 1 ? '' : `-${n}`}.json`);
      try {
        writeFileSync(file, text, { flag: 'wx' });
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
}

/** What the request found: keys it read or wrote that existed, rows it read or changed (not those it created). */
function startingState(activity: RequestActivity): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  const cache: Record<string, unknown> = {};
  for (const touch of activity.cache.values()) {
    if (!touch.before) continue;
    cache[touch.key] = touch.before.ttlMs === null ? { value: touch.before.value } : { value: touch.before.value, ttl: touch.before.ttlMs };
  }
  if (Object.keys(cache).length) state.cache = cache;
  const tables: Record<string, unknown[]> = {};
  for (const touch of activity.rows.values()) {
    if (!touch.before) continue;
    (tables[touch.table] ??= []).push(touch.before);
  }
  if (Object.keys(tables).length) state.tables = tables;
  return state;
}

function expectedCache(activity: RequestActivity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const touch of activity.cacheChanges) out[touch.key] = touch.after ? touch.after.value : { $absent: true };
  return out;
}

function expectedTables(activity: RequestActivity): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const touch of activity.rowChanges) {
    if (touch.created) continue;
    (out[touch.table] ??= {})[touch.id] = touch.after ?? { $absent: true };
  }
  return out;
}

function keptHeaders(headers: PipelineRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers).sort()) {
    // sec-*: what a browser (or fetch) says about itself, not about the request.
    if (DROPPED_HEADERS.has(name) || name.startsWith('sec-')) continue;
    const value = headerValue(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** `text` is the JSON text of `body` (whatever its spacing). */
function isBodyText(text: string, body: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), body);
  } catch {
    return false;
  }
}

/** The body as JSON when it is JSON, else its text; undefined when there is none. */
function recordedBody(request: PipelineRequest): unknown {
  if (!request.rawBody || request.rawBody.length === 0) return undefined;
  const text = request.rawBody.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Who sent it: the id inside a token that verifies (replay signs a fresh one), the given `$user`, or null for
 * anonymous; undefined for a token that does not verify (kept as a header, to fail the same way).
 */
async function recordedUser(request: PipelineRequest, auth: { userIdOf(token: string): Promise<unknown> }): Promise<unknown> {
  if (request.userOverride !== undefined) return request.userOverride;
  const header = headerValue(request.headers, 'authorization');
  if (!header?.startsWith('Bearer ')) return null;
  return (await auth.userIdOf(header.slice(7))) ?? undefined;
}

function slug(text: string): string {
  const cleaned = text
    .replace(/\?.*$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return cleaned.slice(0, 60) || 'root';
}
