/**
 * Runs one flow the way Enfyra's flow worker does
 * (modules/flow/queues/flow-execution-queue.service.ts process/executeFlow and
 * utils/step-executor.util.ts): root steps in stepOrder, a condition's
 * children by branch, `$ctx.$flow` with `$payload`, `$last`, `$meta` and each
 * step's result under its key; onError stop/skip/retry (backoff 1 s, 2 s, 4 s
 * … capped at 30 s); depth limit 10 and circular-trigger detection. Each
 * script or condition step is one sandbox invocation of kind `flowStep`.
 *
 * What Enfyra does besides and this does not: the execution-history rows
 * (`enfyra_flow_execution`) are not written; the `flow:execution` socket
 * events to the triggering user are recorded as effects.
 */
import { logEntriesOf } from '../../context/chain.ts';
import type { ContextData, InvocationOutcome } from '../../sandbox/invocation.ts';
import type { Effect, Warning } from '../../shared/diagnostics.ts';
import { flowStepContext, newFlowContext, type FlowContext } from '../kinds/kinds.ts';
import type { TriggerEffect } from '../trigger/trigger-module.ts';
import type { FlowDefinition, FlowRegistry, FlowStep } from './format.ts';

const MAX_FLOW_DEPTH = 10;
const MAX_PAYLOAD_SIZE = 1024 * 1024;

export interface FlowRunDeps {
  flows: FlowRegistry;
  /** Runs one script or condition step's code as a flow step. */
  invoke(code: string, filename: string, data: ContextData): Promise<InvocationOutcome>;
  env: Record<string, string>;
  nextExecutionId(): string;
  /** Also run the flows that this flow triggers (config flows.runTriggered), after it. */
  runTriggered: boolean;
  /** Waits between retries (tests pass a quicker one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface CompletedStep {
  key: string;
  type: string;
  branch?: 'true' | 'false';
  status?: 'skipped';
  error?: string;
  retries?: number;
}

export interface FlowRun {
  flow: string;
  flowId: number | string | null;
  executionId: string;
  status: 'completed' | 'failed';
  error: string | null;
  completedSteps: CompletedStep[];
  /** `$ctx.$flow` at the end: $payload, $last, $meta and every step's result by key. */
  context: FlowContext | null;
  logs: unknown[];
  warnings: Warning[];
  effects: Effect[];
  /** Flows this one triggered, run after it (flows.runTriggered). */
  triggered: FlowRun[];
}

export interface FlowRunOptions {
  /** The user who triggered it (`$ctx.$user` in every step); null for a schedule. */
  user?: unknown;
  depth?: number;
  visited?: ReadonlyArray<number | string>;
}

class StepError extends Error {}

export async function runFlow(deps: FlowRunDeps, flowRef: { id?: unknown; name?: string }, payload: unknown, options: FlowRunOptions = {}): Promise<FlowRun> {
  const depth = options.depth ?? 0;
  const visited = options.visited ?? [];
  const executionId = deps.nextExecutionId();
  const label = flowRef.name ?? String(flowRef.id);
  const run: FlowRun = { flow: label, flowId: null, executionId, status: 'failed', error: null, completedSteps: [], context: null, logs: [], warnings: [], effects: [], triggered: [] };
  const fail = (message: string): FlowRun => ({ ...run, error: message });

  if (depth > MAX_FLOW_DEPTH) return fail(`Max flow nesting depth (${MAX_FLOW_DEPTH}) exceeded for flow ${label}`);
  if (payload && JSON.stringify(payload).length > MAX_PAYLOAD_SIZE) return fail(`Flow payload exceeds maximum size of ${MAX_PAYLOAD_SIZE} bytes`);
  const flow = flowRef.name ? deps.flows.byName(flowRef.name) : deps.flows.byId(flowRef.id);
  if (!flow) return fail(`Flow ${label} not found`);
  run.flow = flow.name;
  run.flowId = flow.id;
  if (visited.includes(flow.id)) return fail(`Circular flow detected: flow "${flow.name}" (${flow.id}) already visited`);
  const nowVisited = [...visited, flow.id];

  const user = options.user ?? null;
  const emitStatus = (status: string, extra: Record<string, unknown> = {}) => {
    const userId = (user as { id?: unknown } | null)?.id;
    if (userId) run.effects.push({ type: 'socket.emitToUser', userId, event: 'flow:execution', data: { executionId, flowId: flow.id, flowName: flow.name, status, ...extra } });
  };
  emitStatus('pending');
  const started = Date.now();
  emitStatus('running');

  const flowContext = newFlowContext(flow, payload, executionId, depth);
  run.context = flowContext;
  const state: { body: unknown; share: unknown } = { body: payload || {}, share: { $logs: [] } };
  const pendingTriggers: TriggerEffect[] = [];

  const executeStep = async (step: FlowStep): Promise<unknown> => {
    if (step.type === 'trigger_flow') return triggerFlowStep(deps, flow, step, flowContext, pendingTriggers, run);
    if (step.type === 'sleep') {
      const ms = Number(step.config.ms);
      const slept = Number.isFinite(ms) && ms > 0 ? Math.min(ms, 60000) : 1000;
      await new Promise((resolve) => setTimeout(resolve, slept));
      return { slept };
    }
    if (step.type === 'log') {
      const message = (step.config.message as string) || JSON.stringify(flowContext.$last);
      run.logs.push(String(message));
      return { logged: true, message };
    }
    const data = flowStepContext({ flow: flowContext, payload: state.body, user, share: state.share }, deps.env);
    const outcome = await deps.invoke(stepCode(step), step.codeFile, data);
    run.logs.push(...logEntriesOf(outcome));
    run.warnings.push(...outcome.warnings);
    for (const effect of outcome.effects) {
      if (effect.type === 'trigger') pendingTriggers.push(effect as TriggerEffect);
      run.effects.push(effect);
    }
    if ('$body' in outcome.changed) state.body = outcome.changed.$body;
    if ('$share' in outcome.changed) state.share = outcome.changed.$share;
    const changedFlow = outcome.changed.$flow;
    if (changedFlow !== null && typeof changedFlow === 'object') Object.assign(flowContext, changedFlow);
    if (!outcome.ok) throw new StepError(outcome.error?.message ?? 'step failed');
    return outcome.returned ? outcome.data : undefined;
  };

  const children = (parent: FlowStep, branch: 'true' | 'false') =>
    flow.steps.filter((s) => s.parentId !== null && String(s.parentId) === String(parent.id) && s.branch === branch);

  const runStep = async (step: FlowStep): Promise<void> => {
    flowContext.$meta.currentStep = step.key;
    let result: unknown;
    try {
      result = await executeStep(step);
    } catch (err) {
      const message = (err as Error).message;
      if (step.onError === 'retry' && step.retryAttempts > 0) {
        for (let i = 0; i < step.retryAttempts; i++) {
          await (deps.sleep ?? delay)(Math.min(1000 * 2 ** i, 30000));
          try {
            const retried = await executeStep(step);
            flowContext[step.key] = retried;
            flowContext.$last = retried;
            run.completedSteps.push({ key: step.key, type: step.type, retries: i + 1 });
            return;
          } catch {
            // The next attempt, or the original error after the last.
          }
        }
        throw err;
      }
      if (step.onError === 'skip') {
        flowContext[step.key] = { error: message, skipped: true };
        flowContext.$last = flowContext[step.key];
        run.completedSteps.push({ key: step.key, type: step.type, status: 'skipped', error: message });
        return;
      }
      throw err;
    }
    flowContext[step.key] = result;
    flowContext.$last = result;
    if (step.type === 'condition') {
      const branch = result ? 'true' : 'false';
      run.completedSteps.push({ key: step.key, type: step.type, branch });
      for (const child of children(step, branch)) await runStep(child);
    } else {
      run.completedSteps.push({ key: step.key, type: step.type });
    }
  };

  try {
    for (const step of flow.steps.filter((s) => s.parentId === null)) await runStep(step);
    run.status = 'completed';
    emitStatus('completed', { duration: Date.now() - started });
  } catch (err) {
    run.error = (err as Error).message;
    emitStatus('failed', { duration: Date.now() - started, error: run.error });
  }

  if (deps.runTriggered) {
    for (const t of pendingTriggers) {
      run.triggered.push(await runFlow(deps, { id: t.flowId, name: t.flow }, t.payload, { user: null, depth: depth + 1, visited: nowVisited }));
    }
  }
  return run;
}

/** trigger_flow: the target by config.flowId or flowName; its payload is config.payload, else $flow.$last. */
function triggerFlowStep(deps: FlowRunDeps, flow: FlowDefinition, step: FlowStep, flowContext: FlowContext, pending: TriggerEffect[], run: FlowRun): unknown {
  const target = deps.flows.byId(step.config.flowId) ?? deps.flows.byName(step.config.flowName);
  if (!target) throw new StepError(`Target flow ${String(step.config.flowId || step.config.flowName)} not found`);
  const effect: TriggerEffect = {
    type: 'trigger',
    flow: target.name,
    flowId: target.id,
    payload: step.config.payload || flowContext.$last || {},
    sourceFlow: flow.name,
    sourceStep: step.key,
  };
  run.effects.push(effect);
  pending.push(effect);
  return { triggered: true, flowId: target.id, flowName: target.name };
}

/** A script/condition step runs its code; query/create/update/delete run the repository call Enfyra makes. */
function stepCode(step: FlowStep): string {
  const c = step.config;
  const repo = () => {
    if (!c.table) throw new StepError('Step config missing required field: table');
    return `$ctx.$repos[${JSON.stringify(c.table)}]`;
  };
  switch (step.type) {
    case 'query':
      return `return await ${repo()}.find(${JSON.stringify({ filter: c.filter, fields: c.fields, limit: c.limit, sort: c.sort })});`;
    case 'create':
      return `return await ${repo()}.create(${JSON.stringify({ data: c.data })});`;
    case 'update':
      return `return await ${repo()}.update(${JSON.stringify({ id: c.id, data: c.data })});`;
    case 'delete':
      return `return await ${repo()}.delete(${JSON.stringify({ id: c.id })});`;
    default:
      return step.code ?? '';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
