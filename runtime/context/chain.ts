/**
 * Enfyra's order for one request: pre-hooks, then the handler, then
 * post-hooks, all sharing one `$ctx` whose mutable fields ($body, $query,
 * $share, $data, $statusCode) carry over from hook to hook.
 *
 * - A pre-hook that returns a value (anything but undefined) answers the
 *   request: the handler is skipped, post-hooks still run.
 * - An error in a pre-hook or the handler skips the rest of that phase; the
 *   post-hooks run with `$ctx.$api.error` set and cannot turn it into a success.
 * - After the handler, `$ctx.$data` holds its result; a post-hook may change
 *   `$ctx.$data` or return a replacement.
 */
import type { ChangedFields, ContextData, HookSource, InvocationOutcome } from '../sandbox/invocation.ts';
import type { Effect, Warning } from '../shared/diagnostics.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';
import { errorStatus, roundMs, successStatus, type Envelope, type EnvelopeError } from './envelope.ts';

export interface HookChain {
  pre?: readonly HookSource[];
  handler?: HookSource;
  post?: readonly HookSource[];
}

export type Invoke = (hook: HookSource, data: ContextData, kind: ScriptKind) => Promise<InvocationOutcome>;

export interface ChainResult {
  envelope: Envelope;
  /** $ctx as the last hook left it (replay compares state through it). */
  context: ContextData;
}

export async function runChain(invoke: Invoke, chain: HookChain, initial: ContextData): Promise<ChainResult> {
  const started = performance.now();
  let ctx: ContextData = initial;
  const logs: string[] = [];
  const warnings: Warning[] = [];
  const effects: Effect[] = [];
  let error: EnvelopeError | null = null;
  let answered = false;

  const step = async (hook: HookSource, kind: ScriptKind): Promise<InvocationOutcome> => {
    const outcome = await invoke(hook, ctx, kind);
    logs.push(...outcome.logs);
    warnings.push(...outcome.warnings);
    effects.push(...outcome.effects);
    ctx = withChanges(ctx, outcome.changed);
    if (!outcome.ok) error = toEnvelopeError(outcome);
    return outcome;
  };

  for (const hook of chain.pre ?? []) {
    const outcome = await step(hook, 'preHook');
    if (!outcome.ok) break;
    if (outcome.returned) {
      ctx = { ...ctx, data: outcome.data };
      answered = true;
      break;
    }
  }
  if (!error && !answered && chain.handler) {
    const outcome = await step(chain.handler, 'handler');
    if (outcome.ok) ctx = { ...ctx, data: outcome.returned ? outcome.data : ctx.data };
  }
  for (const hook of chain.post ?? []) {
    const api = (ctx.api ?? {}) as Record<string, unknown>;
    ctx = {
      ...ctx,
      api: { ...api, response: { statusCode: successStatus(ctx.statusCode), data: ctx.data }, error },
    };
    const outcome = await step(hook, 'postHook');
    if (!outcome.ok) break;
    if (outcome.returned) ctx = { ...ctx, data: outcome.data };
  }

  const finalError = error as EnvelopeError | null;
  const envelope: Envelope = {
    statusCode: finalError ? finalError.statusCode : successStatus(ctx.statusCode),
    data: finalError ? null : (ctx.data ?? null),
    error: finalError,
    logs,
    warnings,
    effects,
    durationMs: roundMs(performance.now() - started),
  };
  return { envelope, context: ctx };
}

function withChanges(ctx: ContextData, changed: ChangedFields): ContextData {
  const next = { ...ctx };
  if ('$body' in changed) next.body = changed.$body;
  if ('$query' in changed) next.query = changed.$query;
  if ('$share' in changed) next.share = changed.$share;
  if ('$data' in changed) next.data = changed.$data;
  if ('$statusCode' in changed) next.statusCode = changed.$statusCode;
  return next;
}

function toEnvelopeError(outcome: InvocationOutcome): EnvelopeError {
  const e = outcome.error!;
  const out: EnvelopeError = { statusCode: errorStatus(outcome), message: e.message, name: e.name };
  if (e.details) out.details = e.details as EnvelopeError['details'];
  return out;
}
