/**
 * `flows.runTriggered`: the flows a request's scripts triggered run after the
 * request, in this process (Enfyra's worker would pick the queued jobs up),
 * and their outcome joins the request's result as `flow.run` effects, followed
 * by the effects and warnings of their own steps.
 */
import type { Envelope } from '../../context/envelope.ts';
import type { Effect } from '../../shared/diagnostics.ts';
import type { TriggerEffect } from '../trigger/trigger-module.ts';
import { runFlow, type FlowRun, type FlowRunDeps } from './runner.ts';

export async function runTriggeredFlows(deps: FlowRunDeps, envelope: Envelope, user: unknown): Promise<Envelope> {
  const triggers = envelope.effects.filter((e): e is TriggerEffect => e.type === 'trigger');
  if (triggers.length === 0) return envelope;
  const effects = [...envelope.effects];
  const warnings = [...envelope.warnings];
  for (const t of triggers) {
    const run = await runFlow(deps, { id: t.flowId, name: t.flow }, t.payload, { user });
    for (const r of flatten(run)) {
      effects.push(flowRunEffect(r), ...r.effects);
      warnings.push(...r.warnings);
    }
  }
  return { ...envelope, effects, warnings };
}

/** A run and the runs it triggered, in the order they ran. */
export function flatten(run: FlowRun): FlowRun[] {
  return [run, ...run.triggered.flatMap(flatten)];
}

export function flowRunEffect(run: FlowRun): Effect {
  return {
    type: 'flow.run',
    flow: run.flow,
    flowId: run.flowId,
    executionId: run.executionId,
    status: run.status,
    error: run.error,
    completedSteps: run.completedSteps,
    result: run.context,
    logs: run.logs,
  };
}
