/**
 * The fixture file format (docs/replay.md), as zod schemas. Objects are strict:
 * a misspelt field is an error, never a silently ignored expectation.
 */
import { z } from 'zod';
import { SCRIPT_KINDS } from '../shared/ctx-members.ts';
import { parseDuration } from './duration.ts';

const duration = z
  .union([z.number(), z.string()])
  .refine((v) => parseDuration(v) !== null, 'expected a duration: milliseconds, or text like "250ms", "60s", "5m", "1h30m", "7d"');

const hookPath = z.string().min(1, 'expected a hook file path');

export const chainSchema = z
  .strictObject({
    pre: z.array(hookPath).optional(),
    handler: hookPath.optional(),
    post: z.array(hookPath).optional(),
  })
  .refine((c) => c.handler !== undefined || (c.pre?.length ?? 0) + (c.post?.length ?? 0) > 0, 'a chain needs at least one hook');

const jsonObject = z.record(z.string(), z.unknown());

/** `$ctx.$uploadedFile`: a file of the project (relative to the fixture's project root), or with its field and type. */
const uploadSchema = z.union([
  z.string().min(1, 'expected a file path'),
  z.strictObject({ path: z.string().min(1, 'expected a file path'), fieldname: z.string().min(1).optional(), mimetype: z.string().min(1).optional() }),
]);

export const requestSchema = z.strictObject({
  params: jsonObject.optional(),
  query: jsonObject.optional(),
  body: z.unknown().optional(),
  /** null: an anonymous request; omitted: the default local user (id 1). */
  user: z.unknown().optional(),
  method: z.string().min(1).optional(),
  url: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  ip: z.string().optional(),
  share: jsonObject.optional(),
  file: uploadSchema.optional(),
});

const cacheEntrySchema = z
  .strictObject({ value: z.unknown(), ttl: duration.nullable().optional() })
  .refine((e) => 'value' in e && e.value !== undefined, { message: 'required (the value to store)', path: ['value'] });

/** One `$helpers.$fetch` answer (members/fetch/stubs.ts): method (default any) and URL (exact, or a prefix ending in `*`). */
const fetchStubSchema = z.strictObject({
  method: z.string().regex(/^[A-Za-z]+$/, 'expected an HTTP method like GET').optional(),
  url: z.string().min(1, 'expected a URL, or a prefix ending in *'),
  status: z.int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** A string is sent as is; anything else as JSON. */
  body: z.unknown().optional(),
});

export const stateSchema = z.strictObject({
  /** Logical key → entry (stored under the run's namespace), or null to delete the key. */
  cache: z.record(z.string().min(1), cacheEntrySchema.nullable()).optional(),
  /** Table → rows to upsert by primary key. */
  tables: z.record(z.string(), z.array(jsonObject)).optional(),
  /** Answers for `$helpers.$fetch`; a later state's stubs are tried before earlier ones. Replay never touches the network. */
  fetch: z.array(fetchStubSchema).optional(),
});

export const expectSchema = z.strictObject({
  statusCode: z.int().min(100).max(599).optional(),
  data: z.unknown().optional(),
  dataMatch: z.unknown().optional(),
  error: z.union([z.null(), jsonObject]).optional(),
  logs: z.array(z.unknown()).optional(),
  logsContain: z.array(z.string()).optional(),
  cache: z.record(z.string().min(1), z.unknown()).optional(),
  tables: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Every warning, in order (exact). */
  warnings: z.array(z.unknown()).optional(),
  /** Every effect, in order (exact). */
  effects: z.array(z.unknown()).optional(),
  /** Effects that must be among the actual ones, each matched as a subset, in any order. */
  effectsContain: z.array(jsonObject).optional(),
});

const named = { name: z.string().optional(), description: z.string().optional() };

/** Another kind of script than a route hook, with the `$ctx` Enfyra builds for it (runtime/members/kinds). */
const scriptKind = {
  kind: z.enum(SCRIPT_KINDS).optional(),
  /** websocket: the event whose handler runs (none: the connection handler). */
  event: z.string().min(1).optional(),
  /** graphql: `$args`. */
  args: z.unknown().optional(),
};
const target = {
  hook: hookPath.optional(),
  chain: chainSchema.optional(),
  table: z.string().min(1).optional(),
  /** A request through the dev server pipeline (route files, auth, hooks) instead of a hook: method and path with query. */
  method: z.string().regex(/^[A-Za-z]+$/, 'expected an HTTP method like GET').optional(),
  path: z.string().startsWith('/', 'expected a path starting with "/"').optional(),
};

export const requestStepSchema = z.strictObject({ ...named, ...target, ...scriptKind, request: requestSchema.optional(), expect: expectSchema });
export const advanceStepSchema = z.strictObject({ ...named, advance: duration });
export const stateStepSchema = z.strictObject({ ...named, state: stateSchema });

export const fixtureSchema = z
  .strictObject({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    ...named,
    ...target,
    ...scriptKind,
    /** `$ctx.$env` of every step (default {}), never the machine's environment. */
    env: z.record(z.string(), z.string()).optional(),
    /** Where the virtual clock starts: ISO date text or epoch ms (default 2024-01-01T00:00:00Z). */
    startTime: z.union([z.iso.datetime({ offset: true }), z.number().int()]).optional(),
    /** Request fields every step starts from (a step's own fields win, field by field). */
    request: requestSchema.optional(),
    /** Cache entries and table rows in place before the first step. */
    state: stateSchema.optional(),
    /** A one-request fixture: its expectations (use this or `steps`). */
    expect: expectSchema.optional(),
    /** A sequence sharing cache, database and clock. */
    steps: z.array(z.unknown()).min(1, 'expected at least one step').optional(),
  })
  .check((ctx) => {
    const f = ctx.value;
    if ((f.expect === undefined) === (f.steps === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: f,
        path: [f.steps === undefined ? 'expect' : 'steps'],
        message: f.steps === undefined ? 'required: "expect" (a one-request fixture) or "steps" (a sequence)' : 'use either "expect" or "steps", not both',
      });
    }
  });

export type ChainSpec = z.infer<typeof chainSchema>;
export type RequestSpec = z.infer<typeof requestSchema>;
export type StateSpec = z.infer<typeof stateSchema>;
export type ExpectSpec = z.infer<typeof expectSchema>;
export type RequestStepSpec = z.infer<typeof requestStepSchema>;
export type FixtureSpec = z.infer<typeof fixtureSchema>;
