/**
 * `enfyra-run flow <name> --payload JSON`: runs a local flow (config
 * flows.dir) as Enfyra's flow worker runs a queued job. The result is an
 * envelope whose data is `{ executionId, status, completedSteps, flow }`
 * (`flow` is `$ctx.$flow` at the end); exit 1 when the flow failed.
 */
import { loadConfig } from '../config/load.ts';
import { exitCodeFor, type Envelope } from '../context/envelope.ts';
import { flatten, flowRunEffect } from '../members/flows/triggered.ts';
import { Runtime } from '../runtime.ts';
import { colorsFor, formatEnvelope } from './output.ts';
import { jsonOrFile } from './request-flags.ts';
import { UsageError } from './usage-error.ts';

export interface FlowFlags {
  payload?: string;
  user?: string;
  config?: string;
  json?: boolean;
}

export async function flowCommand(name: string, flags: FlowFlags): Promise<number> {
  const payload = flags.payload === undefined ? {} : jsonOrFile('--payload', flags.payload, process.cwd()).value;
  const user = flags.user === undefined ? null : jsonOrFile('--user', flags.user, process.cwd()).value;
  const config = loadConfig({ configPath: flags.config });
  const runtime = await Runtime.create({ config });
  try {
    const flows = runtime.flows;
    if (!flows.byName(name) && !flows.byId(name)) {
      const known = flows.all.map((f) => f.name).join(', ') || 'none';
      throw new UsageError(`no flow "${name}" in ${config.flows.dir} (flows: ${known})`);
    }
    const started = performance.now();
    const run = await runtime.runFlow(name, payload, { user });
    const later = flatten(run).slice(1);
    const envelope: Envelope = {
      statusCode: run.status === 'completed' ? 200 : 500,
      data: { executionId: run.executionId, status: run.status, completedSteps: run.completedSteps, flow: run.context },
      error: run.status === 'completed' ? null : { statusCode: 500, message: run.error ?? 'flow failed', name: 'FlowError' },
      logs: run.logs,
      warnings: [...run.warnings, ...later.flatMap((r) => r.warnings)],
      effects: [...run.effects, ...later.flatMap((r) => [flowRunEffect(r), ...r.effects])],
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    process.stdout.write(flags.json ? JSON.stringify(envelope) + '\n' : formatEnvelope(`flow ${run.flow}`, envelope, colorsFor(process.stdout)));
    return exitCodeFor(envelope);
  } finally {
    await runtime.close();
  }
}
