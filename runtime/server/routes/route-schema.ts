/**
 * Route files (docs/dev-server.md, "Routes"): local copies of Enfyra's route,
 * route-handler, route-permission, pre-hook and post-hook records. Objects are
 * strict, so a misspelt field is an error naming the file and the field, never
 * a setting silently ignored.
 */
import { z } from 'zod';

/** The methods Enfyra seeds in enfyra_method: the only ones a route can serve. */
export const ROUTE_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

const method = z.enum(ROUTE_METHODS, { error: `expected one of ${ROUTE_METHODS.join(', ')}` });
const methods = z.array(method).refine((list) => new Set(list).size === list.length, 'a method is listed twice');

/** A record id as Enfyra stores it: an integer or a uuid/text id. */
const recordId = z.union([z.number().int(), z.string().min(1)]);

const comment = { description: z.string().optional(), $comment: z.string().optional() };

/** Code of a record: a `.js`/`.ts` file beside the route file, or the source itself (Enfyra's `sourceCode`). */
const script = {
  file: z.string().min(1).optional(),
  sourceCode: z.string().optional(),
};

function oneScript(value: { file?: string; sourceCode?: string }, ctx: z.RefinementCtx): void {
  if ((value.file === undefined) === (value.sourceCode === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['file'], message: 'give the code as "file" (a path beside this file) or "sourceCode", exactly one' });
  }
}

export const hookSchema = z
  .strictObject({
    name: z.string().min(1),
    ...script,
    /** Lower runs first; Enfyra's column default is 0. */
    priority: z.number().int().nullable().default(0),
    /** Enfyra runs a hook only for the methods listed here. */
    methods,
    isEnabled: z.boolean().default(true),
    /** A global hook runs on every route. */
    isGlobal: z.boolean().default(false),
    ...comment,
  })
  .superRefine(oneScript);

export const handlerSchema = z
  .strictObject({
    ...script,
    /** Milliseconds; Enfyra's column default is 30000 (0 or null also mean 30000). */
    timeout: z.number().int().min(0).nullable().default(30_000),
    ...comment,
  })
  .superRefine(oneScript);

export const permissionSchema = z.strictObject({
  /** Id of an enfyra_role row: users with that role may call the methods below. */
  role: recordId.optional(),
  /** Ids of enfyra_user rows allowed whatever their role. */
  allowedUsers: z.array(recordId).default([]),
  methods,
  /** Kept for the record: Enfyra 2.2 does not look at it (a disabled permission still grants access). */
  isEnabled: z.boolean().default(true),
  ...comment,
});

const routePath = z
  .string()
  .regex(/^\/[^\s?#]*$/, 'expected a path starting with "/", without spaces, query or fragment (e.g. "/products/:id/stock")');

export const routeFileSchema = z.strictObject({
  $schema: z.string().optional(),
  path: routePath,
  /** The table behind `$ctx.$repos.main`. */
  mainTable: z.string().min(1).optional(),
  isEnabled: z.boolean().default(true),
  /** Methods the route answers. Default for a table's own route (`/<table>`): all four; otherwise required. */
  availableMethods: methods.optional(),
  /** Methods callable without a signed-in user. */
  publicMethods: methods.default([]),
  /** Methods any signed-in user may call, whatever the permissions. */
  skipRoleGuardMethods: methods.default([]),
  routePermissions: z.array(permissionSchema).default([]),
  /** MB: the largest file a multipart POST/PATCH may upload here (Enfyra's route column; default: its 10 MB setting). */
  maxUploadFileSize: z.number().int().positive().nullable().default(null),
  /** One handler per method. A table's own route has Enfyra's default handlers for the methods not given. */
  handlers: z.partialRecord(method, handlerSchema).default({}),
  preHooks: z.array(hookSchema).default([]),
  postHooks: z.array(hookSchema).default([]),
  ...comment,
});

/** `routes/global-hooks.json`: hooks not tied to one route (each runs on every route, as Enfyra's global hooks). */
export const globalHooksFileSchema = z.strictObject({
  $schema: z.string().optional(),
  preHooks: z.array(hookSchema).default([]),
  postHooks: z.array(hookSchema).default([]),
  ...comment,
});

export type HookSpec = z.infer<typeof hookSchema>;
export type HandlerSpec = z.infer<typeof handlerSchema>;
export type PermissionSpec = z.infer<typeof permissionSchema>;
export type RouteFileSpec = z.infer<typeof routeFileSchema>;
export type GlobalHooksFileSpec = z.infer<typeof globalHooksFileSchema>;
