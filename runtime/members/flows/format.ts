/**
 * Local flow files: one JSON file per flow in `flows.dir`, mirroring Enfyra's
 * `enfyra_flow` record with its `enfyra_flow_step` records in `steps` (field
 * names, defaults and enums from data/snapshot.json and
 * engines/cache/services/flow-cache-builder.service.ts). A step's code is
 * `sourceCode` (as stored in Enfyra) or `file` (a script file next to the
 * flow, for editing comfort). Disabled flows and steps are left out, as
 * Enfyra's flow cache leaves them out. See docs/members/flows.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../config/load.ts';

export const STEP_TYPES = ['script', 'condition', 'query', 'create', 'update', 'delete', 'http', 'trigger_flow', 'sleep', 'log'] as const;

/** Step types enfyra-run runs; `http` is refused when the flow is loaded. */
export const RUNNABLE_STEP_TYPES: ReadonlySet<string> = new Set(STEP_TYPES.filter((t) => t !== 'http'));

/** Built on first use: zod takes a while to construct a schema, and most runs read no flow. */
let flowSchema: ReturnType<typeof buildFlowSchema> | undefined;

function buildFlowSchema() {
  const id = z.union([z.number().int(), z.string().min(1)]);

  const stepSchema = z.strictObject({
    id: id.optional(),
    key: z.string().min(1),
    stepOrder: z.number().int().default(0),
    type: z.enum(STEP_TYPES),
    config: z.record(z.string(), z.unknown()).nullable().default(null),
    sourceCode: z.string().nullable().optional(),
    /** enfyra-run only: the step's code in a file, relative to the flow file. */
    file: z.string().min(1).optional(),
    scriptLanguage: z.enum(['javascript', 'typescript']).default('typescript'),
    timeout: z.number().int().positive().default(5000),
    onError: z.enum(['stop', 'skip', 'retry']).default('stop'),
    retryAttempts: z.number().int().min(0).default(0),
    isEnabled: z.boolean().default(true),
    parentId: id.nullable().default(null),
    branch: z.enum(['true', 'false']).nullable().default(null),
  });

  return z.strictObject({
    id: id.optional(),
    name: z.string().min(1),
    description: z.string().nullable().optional(),
    icon: z.string().nullable().optional(),
    triggerType: z.enum(['schedule', 'manual']).default('manual'),
    triggerConfig: z.unknown().optional(),
    timeout: z.number().int().positive().default(30000),
    isEnabled: z.boolean().default(true),
    isSystem: z.boolean().optional(),
    maxExecutions: z.number().int().positive().default(100),
    steps: z.array(stepSchema),
  });
}

export interface FlowStep {
  id: number | string;
  key: string;
  stepOrder: number;
  type: (typeof STEP_TYPES)[number];
  config: Record<string, unknown>;
  /** The code of a script/condition step, and where it came from (for error messages). */
  code: string | null;
  codeFile: string;
  scriptLanguage: 'javascript' | 'typescript';
  timeout: number;
  onError: 'stop' | 'skip' | 'retry';
  retryAttempts: number;
  parentId: number | string | null;
  branch: 'true' | 'false' | null;
}

export interface FlowDefinition {
  id: number | string;
  name: string;
  timeout: number;
  maxExecutions: number;
  /** Enabled steps in stepOrder. */
  steps: FlowStep[];
  file: string;
}

export class FlowRegistry {
  private readonly flows: FlowDefinition[];

  constructor(flows: FlowDefinition[]) {
    this.flows = flows;
  }

  get all(): readonly FlowDefinition[] {
    return this.flows;
  }

  /** flow.service.ts getFlowById: the id as given, as a number, or as a string. */
  byId(value: unknown): FlowDefinition | null {
    if (value === undefined || value === null || value === '') return null;
    return this.flows.find((f) => f.id === value || f.id === Number(value) || String(f.id) === String(value)) ?? null;
  }

  byName(name: unknown): FlowDefinition | null {
    if (!name) return null;
    return this.flows.find((f) => f.name === name) ?? null;
  }
}

/** Reads every `*.json` in the folder (none: no flows). Errors name the file and the field. */
export function loadFlows(dir: string): FlowRegistry {
  if (!existsSync(dir)) return new FlowRegistry([]);
  const flows: FlowDefinition[] = [];
  const names = new Map<string, string>();
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const flow = loadFlowFile(path.join(dir, entry));
    if (!flow) continue;
    const clash = names.get(flow.name);
    if (clash) throw new ConfigError(`flows: two flows are named "${flow.name}" (${clash} and ${flow.file})`);
    names.set(flow.name, flow.file);
    flows.push(flow);
  }
  return new FlowRegistry(flows);
}

/** One flow file; null when the flow is disabled. */
export function loadFlowFile(file: string): FlowDefinition | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`flow ${file}: ${(err as Error).message}`);
  }
  const parsed = (flowSchema ??= buildFlowSchema()).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`flow ${file}: field "${issue.path.join('.') || '(top level)'}": ${issue.message}`);
  }
  const flow = parsed.data;
  if (!flow.isEnabled) return null;
  const keys = new Set<string>();
  const ids = new Set<string>();
  const steps: FlowStep[] = [];
  flow.steps.forEach((step, index) => {
    const where = `flow ${file}: step "${step.key}"`;
    if (keys.has(step.key)) throw new ConfigError(`${where}: two steps have this key`);
    keys.add(step.key);
    const stepId = step.id ?? index + 1;
    if (ids.has(String(stepId))) throw new ConfigError(`${where}: two steps have id ${stepId}`);
    ids.add(String(stepId));
    if (!RUNNABLE_STEP_TYPES.has(step.type)) throw new ConfigError(`${where}: step type "${step.type}" is not supported by enfyra-run (it runs script, condition, query, create, update, delete, log, sleep and trigger_flow steps)`);
    if ((step.branch === null) !== (step.parentId === null)) throw new ConfigError(`${where}: parentId and branch go together (a child of a condition step names both)`);
    if (!step.isEnabled) return;
    const config = step.config ?? {};
    let code: string | null = null;
    let codeFile = `${file}#${step.key}`;
    if (step.type === 'script' || step.type === 'condition') {
      if (step.file !== undefined && step.sourceCode != null) throw new ConfigError(`${where}: give either sourceCode or file, not both`);
      if (step.file !== undefined) {
        codeFile = path.resolve(path.dirname(file), step.file);
        try {
          code = readFileSync(codeFile, 'utf8');
        } catch (err) {
          throw new ConfigError(`${where}: cannot read ${codeFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      } else {
        // step-executor.util.ts: sourceCode, else config.sourceCode / config.code; a condition defaults to false.
        const inline = step.sourceCode ?? (config.sourceCode as string | undefined) ?? (config.code as string | undefined);
        code = inline ?? (step.type === 'condition' ? 'return false;' : '');
      }
    } else if (step.file !== undefined || step.sourceCode != null) {
      throw new ConfigError(`${where}: a ${step.type} step has no code (sourceCode/file are for script and condition steps)`);
    }
    steps.push({
      id: stepId,
      key: step.key,
      stepOrder: step.stepOrder,
      type: step.type,
      config,
      code,
      codeFile,
      scriptLanguage: step.scriptLanguage,
      timeout: step.timeout,
      onError: step.onError,
      retryAttempts: step.retryAttempts,
      parentId: step.parentId,
      branch: step.branch,
    });
  });
  const declared = flow.steps.map((s, index) => ({ id: String(s.id ?? index + 1), type: s.type }));
  for (const step of steps) {
    if (step.parentId !== null && !declared.some((s) => s.id === String(step.parentId) && s.type === 'condition')) {
      throw new ConfigError(`flow ${file}: step "${step.key}": parentId ${step.parentId} is not a condition step of this flow`);
    }
  }
  steps.sort((a, b) => a.stepOrder - b.stepOrder);
  return { id: flow.id ?? flow.name, name: flow.name, timeout: flow.timeout, maxExecutions: flow.maxExecutions, steps, file };
}
