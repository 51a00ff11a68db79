/**
 * `$ctx.$trigger(flowIdOrName, payload)`. Enfyra queues a BullMQ job and the
 * flow runs later in a worker; locally the call is recorded as a `trigger`
 * effect, and with config `flows.runTriggered` the runtime runs the flow
 * after the script (runtime/members/flows/triggered.ts).
 *
 * - Route hooks and websocket handlers (flow.service.ts trigger): an id-like
 *   value (a number, digits, or 24 hex characters) is looked up by id first,
 *   then by name; returns `{ jobId, flowId }`.
 * - Flow steps (flow-execution-queue.service.ts executeFlow): a number or
 *   digits is an id, anything else a name (no fallback); returns
 *   `{ triggered: true, flowId, flowName }`.
 * - Bootstrap scripts and GraphQL resolvers have no `$trigger`: Enfyra's host
 *   answers "$trigger is not available".
 * A missing (or disabled) flow is `Error: Flow "<x>" not found`.
 */
import type { HostModule, InvocationScope } from '../../sandbox/host-module.ts';
import type { FlowDefinition, FlowRegistry } from '../flows/format.ts';

export interface TriggerEffect {
  type: 'trigger';
  flow: string;
  flowId: number | string;
  payload: unknown;
  /** Set for a trigger from a route hook or websocket handler (Enfyra's BullMQ job id). */
  jobId?: string;
  /** Set for a trigger from a flow step: the step that triggered it. */
  sourceFlow?: string;
  sourceStep?: string;
  [field: string]: unknown;
}

export interface TriggerModuleOptions {
  /** The flows (read when first needed, so a run that triggers nothing never loads them). */
  flows: () => FlowRegistry;
  /** The next job id (BullMQ's are increasing integers, as strings). */
  nextJobId: () => string;
}

export function createTriggerModule(options: TriggerModuleOptions): HostModule {
  return {
    path: '$trigger',
    callable: 'trigger',
    methods: {
      trigger: {
        kind: 'async',
        call: async (scope, [target, payload]) => trigger(scope, options, target, payload),
      },
    },
  };
}

function trigger(scope: InvocationScope, options: TriggerModuleOptions, target: unknown, payload: unknown): unknown {
  if (scope.kind === 'bootstrap' || scope.kind === 'graphql') throw new Error('$trigger is not available');
  const flows = options.flows();
  if (scope.kind === 'flowStep') {
    const flow = /^\d+$/.test(String(target)) || typeof target === 'number' ? flows.byId(target) : flows.byName(String(target));
    if (!flow) throw new Error(`Flow "${String(target)}" not found`);
    const meta = (scope.context.$flow as { $meta?: { flowName?: string; currentStep?: string } } | undefined)?.$meta;
    record(scope, flow, payload, { sourceFlow: meta?.flowName, sourceStep: meta?.currentStep });
    return { triggered: true, flowId: flow.id, flowName: flow.name };
  }
  const text = String(target);
  const looksLikeId = typeof target === 'number' || /^\d+$/.test(text) || /^[a-f0-9]{24}$/i.test(text);
  const flow = (looksLikeId ? flows.byId(target) : null) ?? flows.byName(text);
  if (!flow) throw new Error(`Flow "${text}" not found`);
  const jobId = options.nextJobId();
  record(scope, flow, payload, { jobId });
  return { jobId, flowId: flow.id };
}

function record(scope: InvocationScope, flow: FlowDefinition, payload: unknown, extra: Partial<TriggerEffect>): void {
  const effect: TriggerEffect = { type: 'trigger', flow: flow.name, flowId: flow.id, payload: payload ?? null };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) effect[k] = v;
  scope.effect(effect);
}
