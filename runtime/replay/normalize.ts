/**
 * A schema-valid fixture → steps the runner can execute: hooks resolved to
 * files that exist, request defaults merged, tables and matchers checked.
 * Every problem is a FixtureError naming the field.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { HookChainTargets } from '../runtime.ts';
import type { HookRequest } from '../context/request.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';
import { KIND_OF_OPTION, misplacedKindOption } from '../members/kinds/for-kind.ts';
import { parseDuration } from './duration.ts';
import { FixtureError, fromZod } from './fixture-error.ts';
import type { PathSegment } from '../shared/field-path.ts';
import { isPlainObject } from '../shared/json-value.ts';
import { findBadMatcher } from './matchers.ts';
import { checkExpectedTables, checkStateTables, checkTable, type TableContext } from './table-check.ts';
import { DEFAULT_START_TIME, type Fixture, type FixtureUpload, type Step } from './model.ts';
import {
  advanceStepSchema,
  requestStepSchema,
  stateStepSchema,
  type ChainSpec,
  type ExpectSpec,
  type FixtureSpec,
  type StateSpec,
} from './schema.ts';

export interface NormalizeContext {
  /** Hook paths in fixtures are relative to this folder (the project root). */
  root: string;
  /** The database schema; when given, fixtures naming other tables or columns are invalid. */
  tables?: TableContext;
}

interface Target {
  hook?: string;
  chain?: ChainSpec;
  table?: string;
  method?: string;
  path?: string;
}

type Normalized = Omit<Fixture, 'file' | 'displayPath' | 'name'>;

export function normalizeFixture(spec: FixtureSpec, raw: Record<string, unknown>, context: NormalizeContext): Normalized {
  if (spec.hook !== undefined && spec.chain !== undefined) throw new FixtureError(['chain'], 'use either "hook" or "chain", not both');
  if (spec.state) checkState(spec.state, ['state'], context);
  if (spec.table !== undefined && context.tables) checkTable(spec.table, ['table'], context.tables);
  const env = spec.env ?? {};
  const single = spec.expect !== undefined;
  const rawSteps: unknown[] = single ? [{ expect: raw.expect }] : (spec.steps ?? []);
  const steps = rawSteps.map((rawStep, i): Step => {
    const at: PathSegment[] = single ? [] : ['steps', i];
    const index = i + 1;
    const base = (name: string | undefined) => ({
      index,
      name,
      label: single ? 'request' : name ? `step ${index} "${name}"` : `step ${index}`,
    });
    const kind = stepKind(rawStep);
    if (kind === 'advance') {
      const step = parseWith(advanceStepSchema, rawStep, at);
      return { ...base(step.name), kind, ms: parseDuration(step.advance)! };
    }
    if (kind === 'state') {
      const step = parseWith(stateStepSchema, rawStep, at);
      checkState(step.state, [...at, 'state'], context);
      return { ...base(step.name), kind, state: step.state };
    }
    const own = parseWith(requestStepSchema, rawStep, at);
    if (own.hook !== undefined && own.chain !== undefined) throw new FixtureError([...at, 'chain'], 'use either "hook" or "chain", not both');
    const ownTarget = own.hook !== undefined || own.chain !== undefined || own.path !== undefined;
    const target: Target = ownTarget ? own : spec;
    const targetAt = ownTarget ? at : [];
    const expectPath = single ? ['expect'] : [...at, 'expect'];
    checkExpect(own.expect, expectPath, context);
    if (own.table !== undefined && context.tables) checkTable(own.table, [...at, 'table'], context.tables);
    const { file, ...request } = { ...spec.request, ...own.request };
    const script = scriptOf(own.kind !== undefined ? own : spec, own.kind !== undefined ? at : [], ownTarget ? own : spec);
    const fileAt = own.request?.file !== undefined ? [...at, 'request', 'file'] : ['request', 'file'];
    return {
      ...base(own.name),
      kind: 'request',
      ...resolveTargets(target, targetAt, at, context.root),
      table: own.table ?? spec.table,
      request: { ...request, env },
      ...(file === undefined ? {} : { upload: fixtureUpload(file, fileAt, context.root) }),
      ...(script ? { script } : {}),
      expect: own.expect,
      expectPath,
    };
  });
  return { startTime: startTime(spec.startTime), state: spec.state, steps, raw };
}

/** `kind` (with `event` for websocket, `args` for graphql): one hook run as that kind of script. */
function scriptOf(
  spec: { kind?: ScriptKind; event?: string; args?: unknown },
  at: PathSegment[],
  target: { hook?: string; chain?: unknown; path?: string },
): { kind: ScriptKind; event?: string; args?: unknown } | null {
  // Without a kind the hook is a route hook, which takes neither option either.
  const misplaced = misplacedKindOption(spec.kind ?? 'handler', spec);
  if (misplaced) throw new FixtureError([...at, misplaced], `needs "kind": "${KIND_OF_OPTION[misplaced]}"`);
  if (spec.kind === undefined) return null;
  if (target.hook === undefined) throw new FixtureError([...at, 'kind'], 'runs one script: use it with "hook", not with "chain" or "method" + "path"');
  return { kind: spec.kind, ...(spec.event === undefined ? {} : { event: spec.event }), ...(spec.args === undefined ? {} : { args: spec.args }) };
}

function fixtureUpload(file: string | { path: string; fieldname?: string; mimetype?: string }, at: PathSegment[], root: string): FixtureUpload {
  const spec = typeof file === 'string' ? { path: file } : file;
  const absolute = path.resolve(root, spec.path);
  if (!statSync(absolute, { throwIfNoEntry: false })?.isFile()) {
    throw new FixtureError(typeof file === 'string' ? at : [...at, 'path'], `no such file: ${spec.path} (relative to ${root})`);
  }
  return { ...spec, path: absolute };
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, at: PathSegment[]): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, at);
  return parsed.data;
}

function stepKind(raw: unknown): 'request' | 'advance' | 'state' {
  if (!isPlainObject(raw)) return 'request';
  if ('advance' in raw) return 'advance';
  if ('state' in raw && !('expect' in raw) && !('request' in raw)) return 'state';
  return 'request';
}

function startTime(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_START_TIME;
  return typeof value === 'number' ? value : Date.parse(value);
}

function resolveTargets(
  target: Target,
  targetAt: PathSegment[],
  stepAt: PathSegment[],
  root: string,
): { targets: HookChainTargets; hookLabel: string; http?: { method: string; path: string } } {
  const file = (p: string, at: PathSegment[]) => resolveHook(root, p, at);
  const http = httpTarget(target, targetAt);
  if (http) return http;
  if (target.hook !== undefined) return { targets: { handler: file(target.hook, [...targetAt, 'hook']) }, hookLabel: target.hook };
  const chain = target.chain;
  if (!chain) throw new FixtureError([...stepAt, 'hook'], 'required: the hook to run ("hook", or "chain" with pre/handler/post), here or at the top level');
  const at = [...targetAt, 'chain'];
  return {
    targets: {
      pre: (chain.pre ?? []).map((p, i) => file(p, [...at, 'pre', i])),
      handler: chain.handler === undefined ? undefined : file(chain.handler, [...at, 'handler']),
      post: (chain.post ?? []).map((p, i) => file(p, [...at, 'post', i])),
    },
    hookLabel: chain.handler ?? chain.pre?.[0] ?? chain.post![0]!,
  };
}

/** `method` + `path`: a request through the HTTP pipeline (alone: not with a hook or chain). */
function httpTarget(target: Target, at: PathSegment[]): { targets: HookChainTargets; hookLabel: string; http: { method: string; path: string } } | null {
  if (target.path === undefined && target.method === undefined) return null;
  if (target.hook !== undefined || target.chain !== undefined) throw new FixtureError([...at, 'path'], 'use either a hook or chain, or "method" + "path" (a request through the routes), not both');
  if (target.path === undefined) throw new FixtureError([...at, 'path'], 'required with "method": the request path, like "/products?limit=2"');
  const method = (target.method ?? 'GET').toUpperCase();
  return { targets: {}, hookLabel: `${method} ${target.path}`, http: { method, path: target.path } };
}

function resolveHook(root: string, hook: string, at: PathSegment[]): string {
  const absolute = path.resolve(root, hook);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new FixtureError(at, `hook file not found: ${hook} (paths are relative to ${root})`);
  return absolute;
}

function checkState(state: StateSpec, at: PathSegment[], context: NormalizeContext): void {
  if (state.tables && context.tables) checkStateTables(state.tables, [...at, 'tables'], context.tables);
}

function checkExpect(expect: ExpectSpec, at: PathSegment[], context: NormalizeContext): void {
  if (expect.tables && context.tables) checkExpectedTables(expect.tables, [...at, 'tables'], context.tables);
  const bad = findBadMatcher(expect);
  if (bad) throw new FixtureError([...at, ...bad.path], bad.message);
}
