/**
 * Enfyra 2.2's order for one request: pre-hooks, then the handler, then
 * post-hooks, all sharing one `$ctx` whose mutable fields ($body, $query,
 * $share, $data, $statusCode) carry over from script to script. The rules are
 * the script engine's (kernel executor.worker.js at c83d56d4; HEAD's
 * executor-batch.spec.ts) with the batches the server makes of them (pre-hooks
 * alone in dynamic-interceptor.middleware.ts; handler and post-hooks together
 * in dynamic.service.ts):
 *
 * - A pre-hook that returns a value (anything but undefined) answers the
 *   request: the handler and the post-hooks are skipped.
 * - A pre-hook error answers with that error: handler and post-hooks skipped.
 * - The handler's return value is `$data`, undefined when it returned nothing.
 * - Before the post-hooks `$statusCode` is 200; after a handler error
 *   `$error` and `$api.error` hold the error, `$api.response` its status,
 *   `$data` is null and `$statusCode` the error's status. The post-hooks run
 *   and the handler's error stands.
 * - A post-hook may return a replacement `$data`. A post-hook error is
 *   swallowed and the next post-hook runs (here it is also a warning).
 * - An error without a status is located in the script: its message gets
 *   " (handler, line N)" / " (preHook #k, line N)" / " (postHook #k, line N)".
 */
import { RUNTIME_LOG_PREFIX, type ChangedFields, type ContextData, type HookSource, type InvocationError, type InvocationOutcome } from '../sandbox/invocation.ts';
import { RETURNED_FIELDS, type ReturnedField } from '../sandbox/protocol.ts';
import type { Effect, Warning } from '../shared/diagnostics.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';
import { errorStatus, roundMs, successStatus, type Envelope, type EnvelopeError } from './envelope.ts';
import { errorBody, scriptFailureError, type EnfyraError, type ScriptFailure, type ScriptPhase } from './enfyra-errors.ts';

export interface HookChain {
  pre?: readonly HookSource[];
  handler?: HookSource;
  post?: readonly HookSource[];
}

export type Invoke = (hook: HookSource, data: ContextData, kind: ScriptKind) => Promise<InvocationOutcome>;

export interface ChainOptions {
  /**
   * Report as an HTTP route does (default true): a success is 200 whatever
   * `$statusCode` says, errors get the status and code Enfyra's HTTP layer
   * gives them, and the envelope carries Enfyra's error body. Other script
   * kinds (flow steps, websocket handlers) keep the script error's own status.
   */
  http?: boolean;
  /** The route's main table (Enfyra's ScriptExecutionException says whether it is enfyra_table). */
  mainTable?: string;
}

export interface ChainResult {
  envelope: Envelope;
  /** $ctx as the last hook left it (replay compares state through it). */
  context: ContextData;
}

interface Failure {
  phase: ScriptPhase;
  label: string;
  hook: HookSource;
  error: ScriptFailure;
  /** The engine's stack, as `$error.stack` shows it. */
  stack: string;
  /**
   * A problem of enfyra-run's own ended the script — one of its limits (CPU time, memory; Enfyra's timeout
   * is SCRIPT_TIMEOUT) or its configuration (a ConfigError from a member): reported as such, not as an Enfyra error.
   */
  ownLimit: boolean;
}

export async function runChain(invoke: Invoke, chain: HookChain, initial: ContextData, options: ChainOptions = {}): Promise<ChainResult> {
  const http = options.http ?? true;
  const started = performance.now();
  let ctx: ContextData = initial;
  const logs: unknown[] = [];
  const warnings: Warning[] = [];
  const effects: Effect[] = [];
  let failure: Failure | null = null;

  const step = async (hook: HookSource, kind: ScriptKind): Promise<InvocationOutcome> => {
    const outcome = await invoke(hook, ctx, kind);
    logs.push(...logEntriesOf(outcome));
    warnings.push(...withStaticWarnings(hook.warnings ?? [], outcome.warnings));
    effects.push(...outcome.effects);
    ctx = withChanges(ctx, outcome.changed);
    return outcome;
  };

  const pre = chain.pre ?? [];
  for (let k = 0; k < pre.length; k++) {
    const outcome = await step(pre[k]!, 'preHook');
    if (!outcome.ok) {
      failure = located(outcome.error!, 'pre', `preHook #${k + 1}`, pre[k]!);
      return finish({ ...ctx, data: null });
    }
    if (outcome.returned) return finish({ ...ctx, data: outcome.data });
  }

  if (chain.handler) {
    const outcome = await step(chain.handler, 'handler');
    if (outcome.ok) ctx = { ...ctx, data: outcome.returned ? outcome.data : undefined };
    else failure = located(outcome.error!, 'handler', 'handler', chain.handler);
  }

  const post = chain.post ?? [];
  if (post.length > 0) ctx = failure ? withError(ctx, failure) : { ...ctx, statusCode: 200 };
  for (let k = 0; k < post.length; k++) {
    const hook = post[k]!;
    const outcome = await step(hook, 'postHook');
    if (outcome.ok) {
      if (outcome.returned) ctx = { ...ctx, data: outcome.data };
      continue;
    }
    const swallowed = located(outcome.error!, 'post', `postHook #${k + 1}`, hook);
    const note = `postHook #${k + 1} failed and was ignored, as Enfyra ignores it: ${swallowed.error.message}`;
    logs.push(`${RUNTIME_LOG_PREFIX} ${note}`);
    warnings.push({ code: 'chain.post-hook-error', message: `${note}. The response goes on without this post-hook's change.`, file: hook.filename, ...position(outcome.error!) });
  }
  return finish(ctx);

  function finish(last: ContextData): ChainResult {
    const envelope: Envelope = {
      statusCode: http ? 200 : successStatus(last.statusCode),
      data: last.data ?? null,
      error: null,
      logs,
      warnings,
      effects,
      durationMs: roundMs(performance.now() - started),
    };
    if (http && !failure && typeof last.statusCode === 'number' && last.statusCode !== 200) {
      warnings.push({
        code: 'chain.status-code-ignored',
        message: `$ctx.$statusCode is ${last.statusCode}, but Enfyra always answers a success with HTTP 200 ($statusCode never reaches the response); throw with $ctx.$throw for an error status, or put the status in the returned data.`,
      });
    }
    if (failure) {
      const f = failure as Failure;
      const enfyra = http && !f.ownLimit ? scriptFailureError(f.error, f.phase, requestInfo(last, f.hook, options.mainTable)) : null;
      envelope.statusCode = enfyra ? enfyra.statusCode : errorStatus({ error: f.error as InvocationError });
      envelope.data = null;
      envelope.error = envelopeError(f, enfyra);
      if (enfyra) envelope.errorBody = errorBody(enfyra, requestLine(last));
    }
    return { envelope, context: last };
  }
}

/** The outcome's error with Enfyra's location: an error without a status names the phase and line. */
function located(error: InvocationError, phase: ScriptPhase, label: string, hook: HookSource): Failure {
  const at = error.position;
  const stack = `${error.name}: ${error.message}${at ? `\n    at ${label} (${hook.filename}:${at.line}:${at.column})` : ''}`;
  const base: ScriptFailure = { statusCode: error.statusCode, name: error.name, message: error.message, details: error.details, code: error.code };
  const ownLimit = (error.limit !== undefined && error.code !== 'SCRIPT_TIMEOUT') || error.name === 'ConfigError';
  if (error.statusCode !== null || error.limit || ownLimit || !at) return { phase, label, hook, error: base, stack, ownLimit };
  return {
    phase,
    label,
    hook,
    stack,
    ownLimit,
    error: {
      ...base,
      message: `${error.message} (${label}, line ${at.line})`,
      details: { phase: label, line: at.line, column: at.column, ...(error.codeFrame ? { codeFrame: error.codeFrame } : {}) },
    },
  };
}

function position(error: InvocationError): { line?: number; column?: number } {
  return error.position ? { line: error.position.line, column: error.position.column } : {};
}

/** `$error`, `$api.error` and `$api.response` as the engine sets them before the post-hooks of a failed handler. */
function withError(ctx: ContextData, failure: Failure): ContextData {
  const timestamp = new Date().toISOString();
  const e = failure.error;
  const statusCode = e.statusCode || 500;
  const info = { message: e.message || 'Unknown error', name: e.name, stack: failure.stack, statusCode, details: e.details ?? {}, timestamp };
  const api = (ctx.api ?? {}) as Record<string, unknown>;
  const requestTime = Date.parse(String((api.request as { timestamp?: unknown } | undefined)?.timestamp ?? ''));
  return {
    ...ctx,
    data: null,
    statusCode,
    api: { ...api, error: info, response: { statusCode, responseTime: Number.isNaN(requestTime) ? 0 : Date.now() - requestTime, timestamp } },
    extra: { ...ctx.extra, $error: info },
  };
}

function envelopeError(failure: Failure, enfyra: EnfyraError | null): EnvelopeError {
  const e = failure.error;
  if (!enfyra) {
    const out: EnvelopeError = { statusCode: errorStatus({ error: e as InvocationError }), message: e.message, name: e.name };
    if (e.code) out.code = e.code;
    if (e.details !== undefined) out.details = e.details;
    return out;
  }
  const message = typeof enfyra.message === 'string' ? enfyra.message : enfyra.message.join('; ');
  const out: EnvelopeError = { statusCode: enfyra.statusCode, message, name: e.name, code: enfyra.code };
  if (enfyra.details !== undefined) out.details = enfyra.details;
  return out;
}

function requestInfo(ctx: ContextData, hook: HookSource, mainTable: string | undefined) {
  const req = (ctx.req ?? {}) as { method?: string; url?: string };
  const user = ctx.user as { id?: unknown } | null;
  return {
    // Enfyra names the handler by its code (routeData.handler).
    scriptId: hook.code,
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    userId: user?.id,
    isTableOperation: mainTable === 'enfyra_table',
  };
}

function requestLine(ctx: ContextData) {
  const req = (ctx.req ?? {}) as { method?: string; url?: string };
  const api = (ctx.api ?? {}) as { request?: { correlationId?: string } };
  return { method: req.method ?? 'GET', url: req.url ?? '/', correlationHeader: api.request?.correlationId };
}

/** Enfyra's entries of a script's logs (one per argument), then the runtime's own notes about the run. */
export function logEntriesOf(outcome: Pick<InvocationOutcome, 'logs' | 'logEntries'>): unknown[] {
  return [...outcome.logEntries, ...outcome.logs.filter((line) => line.startsWith(RUNTIME_LOG_PREFIX))];
}

/**
 * The hook's static warnings (found while compiling, with lines) and what its run warned. A run-time
 * warning whose code a static one names, on the same line or with no line, is the same trap seen twice:
 * kept once, as the static one.
 */
function withStaticWarnings(found: readonly Warning[], raised: readonly Warning[]): Warning[] {
  const twin = (w: Warning) => found.some((f) => f.code === w.code && (w.line === undefined || w.line === f.line));
  return [...found, ...raised.filter((w) => !twin(w))];
}

/**
 * Where each field a hook returns goes in the next script's data; null: not carried by a request's chain
 * (`$flow` belongs to a flow's steps: runtime/members/flows/runner.ts carries it).
 */
export const CHAIN_FIELDS: { readonly [F in ReturnedField]: Exclude<keyof ContextData, 'extra'> | null } = {
  $body: 'body',
  $query: 'query',
  $share: 'share',
  $data: 'data',
  $statusCode: 'statusCode',
  $flow: null,
};

function withChanges(ctx: ContextData, changed: ChangedFields): ContextData {
  const next = { ...ctx };
  for (const field of RETURNED_FIELDS) {
    const key = CHAIN_FIELDS[field];
    if (key === null || !(field in changed)) continue;
    // The sandbox reports an undefined `$data` as null (JSON has no undefined): a script that left it alone keeps it undefined.
    if (field === '$data' && ctx.data === undefined && changed.$data === null) continue;
    next[key] = changed[field];
  }
  return next;
}
