/**
 * Enfyra's HTTP pipeline for one request, without the socket: the dev
 * server, `enfyra-run request` and replay all run requests through here.
 * The order is Enfyra's middleware order (server src/express-app.ts):
 *
 *   body parsing → query parsing → route detection → JWT auth → (no route:
 *   404) → role guard (401 / 403) → multipart upload (http/multipart.ts) →
 *   body checks on table routes → pre-hooks → handler → post-hooks
 *   (runtime.runChain: the chain's own rules apply) → Enfyra's success body,
 *   or its error body.
 *
 * HTTP statuses are Enfyra's: a success is always 200 (`$statusCode` never
 * reaches it); errors carry the status of the error.
 */
import type { Envelope, EnvelopeError } from '../context/envelope.ts';
import type { HookRequest } from '../context/request.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import type { ChainStep, Runtime, RunOptions } from '../runtime.ts';
import { HookFileError } from '../compile/hook-loader.ts';
import { RUNTIME_LOG_PREFIX } from '../sandbox/invocation.ts';
import type { ActivityCacheDriver } from './activity/activity-cache.ts';
import type { ActivityDatabaseHandle } from './activity/activity-database.ts';
import { activityStore, RequestActivity } from './activity/request-activity.ts';
import type { Authenticator } from './auth.ts';
import { locateError } from './code-frame.ts';
import type { BodyParser } from './http/body.ts';
import { isUploadRequest, receiveUpload, type ReceivedUpload } from './http/multipart.ts';
import {
  enfyraErrors,
  errorBody,
  forbiddenBody,
  fromStatusError,
  internalError,
  notFoundBody,
  responseCorrelationId,
  scriptFailureError,
  type EnfyraError,
} from '../context/enfyra-errors.ts';
import { parseQuery } from '../context/query.ts';
import { pathOf, queryStringOf } from './http/url.ts';
import { checkAccess } from './role-guard.ts';
import type { Route, RouteHandler, RouteHook } from './routes/route-model.ts';
import { formatProblem } from './routes/route-model.ts';
import type { RouteMethod } from './routes/route-schema.ts';
import type { RouteTable } from './routes/route-table.ts';
import { nextTraceId, type RequestTrace, type TraceError, type TraceStep } from './trace.ts';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface PipelineRequest {
  method: string;
  /** Path and query as received (`/products?limit=2`). */
  url: string;
  /** Lower-case names. */
  headers: Headers;
  /** The body's bytes (decompressed); null for a request without a body. */
  rawBody: Buffer | null;
  /** The client address as Enfyra resolves it. */
  ip: string;
  hostname?: string;
  protocol?: string;
  /** `$user` as given, no token involved (`request --user '{…}'`, fixtures); undefined: from the token. */
  userOverride?: Record<string, unknown> | null;
}

export interface PipelineResult {
  status: number;
  /** The JSON body (undefined: an empty body). */
  body: unknown;
  headers: Record<string, string>;
  /** The answer in the CLI's envelope shape: `data` is the body, `error` what went wrong. */
  envelope: Envelope;
  trace: RequestTrace;
  activity: RequestActivity;
}

export interface PipelineDeps {
  runtime: Runtime;
  routes: RouteTable;
  authenticator: Authenticator;
  bodyParser: BodyParser;
  /** Project root: scripts are shown, and code frames read, relative to it. */
  root: string;
  /** Tracking wrappers to read the request's cache and table changes back from (dev server, recording). */
  activityCache?: ActivityCacheDriver | null;
  activityDatabase?: ActivityDatabaseHandle | null;
  /** Note the full rows and keys each request reads (recording). */
  trackReads?: boolean;
  /** Where a problem outside any request goes (a token for a schema without users). */
  onWarning?: (message: string) => void;
}

/** What one answer is made of before it becomes a result. */
interface Answer {
  status: number;
  body: unknown;
  error: EnfyraError | null;
  correlation: boolean;
  route?: Route;
  chain?: { envelope: Envelope; steps: TraceStep[]; error: TraceError | null };
}

export class Pipeline {
  private readonly deps: PipelineDeps;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
  }

  get routes(): RouteTable {
    return this.deps.routes;
  }

  async handle(request: PipelineRequest): Promise<PipelineResult> {
    const started = performance.now();
    const startedAt = new Date().toISOString();
    const activity = new RequestActivity({ trackReads: this.deps.trackReads });
    const state: RequestState = { query: {}, body: undefined, user: null };
    const answer = await activityStore.run(activity, () => this.answer(request, state));
    await this.deps.activityCache?.settle(activity);
    await this.deps.activityDatabase?.settle(activity);

    const headers: Record<string, string> = {};
    if (answer.correlation) headers['x-correlation-id'] = responseCorrelationId(headerValue(request.headers, 'x-correlation-id'));
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const chain = answer.chain;
    const envelope: Envelope = {
      statusCode: answer.status,
      data: answer.body === undefined ? null : answer.body,
      error: answer.error ? envelopeError(answer.error) : null,
      ...(answer.error && answer.body !== null && typeof answer.body === 'object' ? { errorBody: answer.body as Record<string, unknown> } : {}),
      logs: chain?.envelope.logs ?? [],
      warnings: chain?.envelope.warnings ?? [],
      effects: chain?.envelope.effects ?? [],
      durationMs,
    };
    const trace: RequestTrace = {
      id: nextTraceId(),
      startedAt,
      method: request.method,
      url: request.url,
      route: answer.route?.path ?? null,
      status: answer.status,
      durationMs,
      userId: (state.user?.id as string | number | undefined) ?? null,
      request: { headers: flatHeaders(request.headers), query: state.query, body: state.body ?? null, ...(state.file ? { file: state.file } : {}) },
      response: answer.body === undefined ? null : answer.body,
      steps: chain?.steps ?? [],
      logs: [...envelope.logs],
      warnings: envelope.warnings,
      effects: envelope.effects,
      error: chain?.error ?? (answer.error ? traceError(answer.error) : null),
      cache: activity.cacheChanges.map((c) => ({ key: c.key, before: c.before, after: c.after ?? null })),
      tables: activity.rowChanges.map((r) => ({ table: r.table, id: r.id, before: r.before, after: r.after ?? null })),
    };
    return { status: answer.status, body: answer.body, headers, envelope, trace, activity };
  }

  private async answer(request: PipelineRequest, state: RequestState): Promise<Answer> {
    const method = request.method.toUpperCase();
    const line = { method, url: request.url, correlationHeader: headerValue(request.headers, 'x-correlation-id') };
    const fail = (error: EnfyraError, correlation = false, route?: Route): Answer => ({
      status: error.statusCode,
      body: errorBody(error, line),
      error,
      correlation,
      route,
    });

    let parsed;
    try {
      parsed = await this.deps.bodyParser.parse(method, request.headers, request.rawBody);
    } catch (err) {
      return fail(bodyParserError(err));
    }
    const query = parseQuery(queryStringOf(request.url));
    state.query = query;
    state.body = parsed.body;
    const path = pathOf(request.url);
    const match = this.deps.routes.match(method, path);
    const route = match?.route;
    const isPublic = route?.publicMethods.some((m) => m === method) ?? false;

    let user: Record<string, unknown> | null;
    if (request.userOverride !== undefined) {
      user = request.userOverride;
    } else {
      const auth = await this.deps.authenticator.authenticate(headerValue(request.headers, 'authorization'), isPublic);
      if (auth.error) return fail(auth.error, false, route);
      user = auth.user;
    }
    state.user = user;

    if (!match || !route) {
      return { status: 404, body: notFoundBody(method, path), error: notFoundError(), correlation: true };
    }
    const access = checkAccess(route, method, user);
    if (!access.allow) {
      if (access.statusCode === 401) return fail(enfyraErrors.unauthorized(), false, route);
      return { status: 403, body: forbiddenBody(access.message), error: forbiddenError(access.message), correlation: false, route };
    }
    let upload: ReceivedUpload | null = null;
    if (isUploadRequest(method, request.headers)) {
      try {
        upload = await receiveUpload(method, request.headers, request.rawBody, route.maxUploadFileSize);
      } catch (err) {
        return fail(bodyParserError(err), false, route);
      }
      state.body = upload.body;
      state.file = upload.file;
    }

    try {
      if (route.broken) return fail(enfyraErrors.configuration(formatProblem(route.broken)), true, route);
      if (route.canonical && (method === 'POST' || method === 'PATCH')) {
        const problem = bodyShapeProblem(upload ? upload.fields : parsed.body);
        if (problem) return fail(enfyraErrors.badRequest([problem]), true, route);
      }

      const forMethod = (hooks: readonly RouteHook[]) => hooks.filter((h) => h.methods.some((m) => m === method));
      const handler = route.handlers.get(method as RouteMethod);
      const hookRequest = {
        method,
        url: request.url,
        headers: flatHeaders(request.headers),
        ip: request.ip,
        params: match.params,
        // The query is read from the URL by the request surface (context/request.ts), as for every run.
        body: upload ? upload.body : parsed.body || {},
        user,
        rawBody: upload ? undefined : parsed.rawBody,
        file: upload?.file,
      } satisfies HookRequest;

      return await this.runScripts(route, method, handler, forMethod(route.preHooks), forMethod(route.postHooks), hookRequest, line);
    } catch (err) {
      if (err instanceof HookFileError) return fail(enfyraErrors.configuration(err.message), true, route);
      throw err;
    } finally {
      await upload?.cleanup();
    }
  }

  private async runScripts(
    route: Route,
    method: string,
    handler: RouteHandler | undefined,
    pre: RouteHook[],
    post: RouteHook[],
    hookRequest: HookRequest,
    line: { method: string; url: string; correlationHeader?: string },
  ): Promise<Answer> {
    const steps: TraceStep[] = [];
    const names = { pre: pre.map((h) => h.script.label), handler: handler ? [handler.script.label] : [], post: post.map((h) => h.script.label) };
    const options: RunOptions = {
      mainTable: route.mainTable,
      handlerTimeoutMs: handler?.timeoutMs,
      onStep: (step) => steps.push(traceStep(step, names[step.phase][step.index] ?? step.filename)),
    };
    // Without a handler record Enfyra runs the pre-hooks alone, then answers "No handler configured".
    const chain = handler
      ? { pre: pre.map((h) => h.script.target), handler: handler.script.target, post: post.map((h) => h.script.target) }
      : { pre: pre.map((h) => h.script.target) };
    const { envelope } = await this.deps.runtime.runChain(chain, hookRequest, options);
    const logs = scriptLogs(envelope.logs);
    const answered = steps.some((s) => s.phase === 'pre' && s.ok && s.returned);

    if (envelope.error) {
      const failed = steps.find((s) => !s.ok);
      const error = envelope.error.code
        ? chainError(envelope.error)
        : // A script that does not compile fails in Enfyra's engine like an uncaught error (statusCode null).
          scriptFailureError({ statusCode: null, name: envelope.error.name, message: envelope.error.message, details: envelope.error.details }, failed?.phase ?? 'handler', {
            scriptId: handler?.script.label,
            method,
            url: line.url,
            userId: (hookRequest.user as { id?: unknown } | null)?.id,
            isTableOperation: route.mainTable === 'enfyra_table',
          });
      const located = locateError(envelope.error.message, envelope.error.details, failed?.file ?? null, this.deps.root);
      const traceErr: TraceError = { ...traceError(error), ...(located ?? {}) };
      return {
        status: error.statusCode,
        body: errorBody(error, line, logs),
        error,
        correlation: true,
        route,
        chain: { envelope, steps, error: traceErr },
      };
    }
    if (!handler && !answered) {
      const error = enfyraErrors.businessLogic(`No handler configured for method '${method}' on route '${line.url}'`, { method });
      return { status: 400, body: errorBody(error, line, logs), error, correlation: true, route, chain: { envelope, steps, error: traceError(error) } };
    }
    return { status: 200, body: successBody(envelope.data, logs), error: null, correlation: true, route, chain: { envelope, steps, error: null } };
  }
}

/** What the trace keeps of the request as the pipeline reads it. */
interface RequestState {
  query: unknown;
  body: unknown;
  file?: UploadedFile;
  user: Record<string, unknown> | null;
}

/** The body Enfyra sends: the final `$data`, with the request's logs spread in when there are any (dynamic.routes.ts). */
function successBody(data: unknown, logs: unknown[]): unknown {
  return logs.length > 0 ? { ...(data as object), logs } : data;
}

/** Script logs only: the runtime's own notes (prefixed lines) are not part of Enfyra's `$share.$logs`. */
function scriptLogs(logs: readonly unknown[]): unknown[] {
  return logs.filter((l) => !(typeof l === 'string' && l.startsWith(RUNTIME_LOG_PREFIX)));
}

/** The chain already reports a script error as Enfyra's HTTP layer does (context/enfyra-errors.ts scriptFailureError). */
function chainError(error: EnvelopeError): EnfyraError {
  return { statusCode: error.statusCode, code: error.code ?? error.name, message: error.message, details: error.details, name: error.name };
}

function bodyParserError(err: unknown): EnfyraError {
  const e = err as { statusCode?: unknown; name?: string; message?: string };
  if (typeof e?.statusCode === 'number') return fromStatusError({ statusCode: e.statusCode, name: e.name, message: e.message });
  return internalError(err);
}

/** Enfyra's structural body checks on a table route's POST/PATCH (body-validation.middleware.ts). */
function bodyShapeProblem(body: unknown): string | null {
  if (body === null || body === undefined) return 'body is required';
  if (Array.isArray(body)) return 'body must be an object, not an array';
  if (typeof body !== 'object') return 'body must be an object';
  return null;
}

function notFoundError(): EnfyraError {
  return { statusCode: 404, code: 'NOT_FOUND', message: 'Not Found', name: 'NotFoundException' };
}

function forbiddenError(message: string): EnfyraError {
  return { statusCode: 403, code: 'FORBIDDEN', message, name: 'ForbiddenException' };
}

function envelopeError(error: EnfyraError): EnvelopeError {
  const message = typeof error.message === 'string' ? error.message : error.message.join('; ');
  const out: EnvelopeError = { statusCode: error.statusCode, message, name: error.name, code: error.code };
  if (error.details !== undefined && error.details !== null) out.details = error.details;
  return out;
}

function traceError(error: EnfyraError): TraceError {
  return { statusCode: error.statusCode, code: error.code, message: error.message, details: error.details };
}

function traceStep(step: ChainStep, name: string): TraceStep {
  const o = step.outcome;
  return {
    phase: step.phase,
    index: step.index,
    name,
    file: step.filename,
    durationMs: Math.round(o.durationMs * 100) / 100,
    ok: o.ok,
    returned: o.returned,
    ...(o.error ? { error: { name: o.error.name, message: o.error.message, statusCode: o.error.statusCode } } : {}),
  };
}

export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function flatHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
