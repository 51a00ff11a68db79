/**
 * The routes a project serves, built as Enfyra's route cache builds them
 * (server src/engines/cache/services/route-cache.service.ts): each route's
 * own enabled, non-global hooks plus every enabled global hook, deduplicated
 * and sorted by priority (lower first; on a tie globals come first, then the
 * record order).
 *
 * Sources, in route order: the table routes `/<table>` (a route file with
 * that path is that route's record, edited), then the other route files by
 * file name. A broken file is reported; if it loaded before, its route stays
 * in the table marked broken, so its requests answer with the problem while
 * every other route keeps working.
 */
import type { PathSegment } from '../../shared/field-path.ts';
import { DEFAULT_RESPONSE_HOOK, DEFAULT_RESPONSE_HOOK_NAME, defaultHandler, DEFAULT_HANDLER_TIMEOUT_MS } from './enfyra-defaults.ts';
import { resolveScript, RouteFileError, type FileRead } from './route-files.ts';
import { normalizePath, matchRoute, type RouteMatch } from './route-match.ts';
import type { Route, RouteHandler, RouteHook, RoutePermission, RouteProblem } from './route-model.ts';
import { ROUTE_METHODS, type GlobalHooksFileSpec, type HookSpec, type RouteFileSpec, type RouteMethod } from './route-schema.ts';

export interface SourceFile<T> {
  /** Absolute path. */
  readonly file: string;
  /** As messages show it (relative to the project root). */
  readonly display: string;
  readonly read: FileRead<T>;
}

export interface RouteTableInput {
  /** Tables of the database schema, in schema order. */
  readonly tables: readonly string[];
  readonly routeFiles: readonly SourceFile<RouteFileSpec>[];
  readonly globalHooks?: SourceFile<GlobalHooksFileSpec> | null;
  /** The table this one replaces: routes of files that broke since keep answering, with the problem. */
  readonly previous?: RouteTable | null;
}

export class RouteTable {
  readonly routes: readonly Route[];
  readonly problems: readonly RouteProblem[];
  /** Things that load but behave in a way worth knowing (Enfyra quirks, records that can never run). */
  readonly warnings: readonly string[];
  /** Last good route of each route file (absolute path), for the next rebuild. */
  readonly lastGood: ReadonlyMap<string, Route>;

  constructor(routes: Route[], problems: RouteProblem[], warnings: string[], lastGood: Map<string, Route>) {
    this.routes = routes;
    this.problems = problems;
    this.warnings = warnings;
    this.lastGood = lastGood;
  }

  match(method: string, path: string): RouteMatch<Route> | null {
    return matchRoute(this.routes, method, path);
  }
}

interface Resolved {
  route: Route;
  globals: { pre: RouteHook[]; post: RouteHook[] };
}

export function buildRouteTable(input: RouteTableInput): RouteTable {
  const problems: RouteProblem[] = [];
  const warnings: string[] = [];
  const lastGood = new Map<string, Route>();
  const tables = new Set(input.tables);

  const globals = { pre: [] as RouteHook[], post: [DEFAULT_RESPONSE_HOOK] as RouteHook[] };
  let globalProblem: RouteProblem | null = null;
  if (input.globalHooks) {
    const g = input.globalHooks;
    if (g.read.ok) {
      try {
        const pre = hooksOf(g.read.spec.preHooks, 'preHooks', g, true);
        const post = hooksOf(g.read.spec.postHooks, 'postHooks', g, true);
        globals.pre = pre;
        // A global post-hook named like the seeded one is that record, edited (or switched off).
        const editsSeed = g.read.spec.postHooks.some((h) => h.name === DEFAULT_RESPONSE_HOOK_NAME);
        globals.post = editsSeed ? post : [DEFAULT_RESPONSE_HOOK, ...post];
      } catch (err) {
        globalProblem = fileProblem(g.display, err);
      }
    } else {
      globalProblem = g.read.problem;
    }
    if (globalProblem) problems.push(globalProblem);
  }

  const byPath = new Map<string, { route: Route; file: string | null }>();
  const ordered: Route[] = [];
  const own: Array<{ route: Route; file: string | null }> = [];

  const files = [...input.routeFiles].sort((a, b) => a.display.localeCompare(b.display));
  for (const source of files) {
    let route: Route | null = null;
    let problem: RouteProblem | null = null;
    if (source.read.ok) {
      try {
        const resolved = resolveRoute(source, source.read.spec, tables, warnings);
        const clash = byPath.get(resolved.route.path);
        if (clash) {
          problem = { file: source.display, field: 'path', message: `path ${resolved.route.path} is already defined in ${clash.route.origin.file}` };
        } else {
          route = resolved.route;
          globals.pre.push(...resolved.globals.pre);
          globals.post.push(...resolved.globals.post);
          lastGood.set(source.file, route);
        }
      } catch (err) {
        problem = fileProblem(source.display, err);
      }
    } else {
      problem = source.read.problem;
    }
    if (problem) {
      problems.push(problem);
      const previous = input.previous?.lastGood.get(source.file);
      if (previous && !byPath.has(previous.path)) {
        route = { ...previous, broken: problem };
        lastGood.set(source.file, previous);
      }
    }
    if (route) byPath.set(route.path, { route, file: source.file });
  }

  // Table routes first, in schema order; a route file with the same path takes the table route's place.
  for (const table of input.tables) {
    const path = `/${table}`;
    const fromFile = byPath.get(path);
    if (fromFile) {
      own.push(fromFile);
      continue;
    }
    own.push({ route: canonicalRoute(table), file: null });
  }
  const tablePaths = new Set(input.tables.map((t) => `/${t}`));
  for (const entry of byPath.values()) if (!tablePaths.has(entry.route.path)) own.push(entry);

  for (const { route } of own) {
    // A disabled record is not served (Enfyra loads enabled routes only); it still holds its path.
    if (!route.enabled) continue;
    const merged = globalProblem ? { ...route, broken: route.broken ?? globalProblem } : route;
    ordered.push({ ...merged, preHooks: mergeHooks(globals.pre, merged.preHooks), postHooks: mergeHooks(globals.post, merged.postHooks) });
  }
  return new RouteTable(ordered, problems, warnings, lastGood);
}

/** Enfyra's route cache: globals then the route's own, first occurrence of an id kept, stable sort by priority. */
function mergeHooks(globals: readonly RouteHook[], own: readonly RouteHook[]): RouteHook[] {
  const seen = new Set<string>();
  const all: RouteHook[] = [];
  for (const hook of [...globals, ...own]) {
    if (seen.has(hook.id)) continue;
    seen.add(hook.id);
    all.push(hook);
  }
  return all.sort((a, b) => a.priority - b.priority);
}

function canonicalRoute(table: string): Route {
  const path = `/${table}`;
  return {
    path,
    mainTable: table,
    canonical: true,
    enabled: true,
    availableMethods: ROUTE_METHODS,
    publicMethods: [],
    skipRoleGuardMethods: [],
    routePermissions: [],
    maxUploadFileSize: null,
    handlers: new Map(ROUTE_METHODS.map((m) => [m, defaultHandler(path, m)])),
    preHooks: [],
    postHooks: [],
    origin: { file: null, field: `table route of "${table}"` },
  };
}

function resolveRoute(source: SourceFile<RouteFileSpec>, spec: RouteFileSpec, tables: ReadonlySet<string>, warnings: string[]): Resolved {
  const path = normalizePath(spec.path);
  const ownTable = tables.has(path.slice(1)) ? path.slice(1) : null;
  const mainTable = spec.mainTable ?? ownTable ?? undefined;
  if (mainTable !== undefined && !tables.has(mainTable)) {
    throw new RouteFileError(['mainTable'], `unknown table "${mainTable}" (tables: ${[...tables].join(', ') || 'none'})`);
  }
  const canonical = ownTable !== null && mainTable === ownTable;
  const availableMethods = spec.availableMethods ?? (ownTable !== null ? ROUTE_METHODS : undefined);
  if (!availableMethods) {
    throw new RouteFileError(['availableMethods'], `required: the methods ${path} answers (it is not a table's own route, which would default to all four)`);
  }

  const handlers = new Map<RouteMethod, RouteHandler>();
  for (const [method, handler] of Object.entries(spec.handlers) as Array<[RouteMethod, NonNullable<RouteFileSpec['handlers'][RouteMethod]>]>) {
    const field: PathSegment[] = ['handlers', method];
    handlers.set(method, {
      method,
      script: resolveScript(handler, source.file, source.display, field, `${method} handler`),
      timeoutMs: handler.timeout || DEFAULT_HANDLER_TIMEOUT_MS,
      isDefault: false,
    });
    if (!availableMethods.includes(method)) {
      warnings.push(`${source.display}: handlers.${method} never runs: ${method} is not in availableMethods`);
    }
  }
  if (ownTable !== null) {
    for (const method of ROUTE_METHODS) if (!handlers.has(method)) handlers.set(method, defaultHandler(path, method));
  }

  const permissions: RoutePermission[] = spec.routePermissions.map((p, i) => {
    if (!p.isEnabled) {
      warnings.push(
        `${source.display}: routePermissions[${i}].isEnabled is false, but Enfyra 2.2 does not check it: the permission still grants access (remove it instead)`,
      );
    }
    return { roleId: p.role === undefined ? null : String(p.role), allowedUsers: p.allowedUsers.map(String), methods: p.methods };
  });

  const globals = { pre: [] as RouteHook[], post: [] as RouteHook[] };
  const own = { pre: [] as RouteHook[], post: [] as RouteHook[] };
  for (const phase of ['pre', 'post'] as const) {
    const field = phase === 'pre' ? 'preHooks' : 'postHooks';
    for (const hook of hooksOf(spec[field], field, source, false)) (hook.isGlobal ? globals : own)[phase].push(hook);
  }

  return {
    route: {
      path,
      mainTable,
      canonical,
      enabled: spec.isEnabled,
      availableMethods,
      publicMethods: spec.publicMethods,
      skipRoleGuardMethods: spec.skipRoleGuardMethods,
      routePermissions: permissions,
      maxUploadFileSize: spec.maxUploadFileSize,
      handlers,
      preHooks: own.pre,
      postHooks: own.post,
      origin: { file: source.display, field: 'path' },
    },
    globals,
  };
}

/** The enabled hooks of a list, resolved. `allGlobal`: the global hooks file, where every hook is global. */
function hooksOf(
  specs: readonly HookSpec[],
  field: 'preHooks' | 'postHooks',
  source: { file: string; display: string },
  allGlobal: boolean,
): RouteHook[] {
  const kind = field === 'preHooks' ? 'pre-hook' : 'post-hook';
  const out: RouteHook[] = [];
  specs.forEach((spec, i) => {
    const at: PathSegment[] = [field, i];
    // Resolved even when disabled: a broken path is worth knowing about before it is switched on.
    const script = resolveScript(spec, source.file, source.display, at, `${kind} "${spec.name}"`);
    if (!spec.isEnabled) return;
    out.push({
      id: `${source.display}#${field}[${i}]`,
      name: spec.name,
      priority: spec.priority ?? 0,
      methods: spec.methods,
      isGlobal: allGlobal || spec.isGlobal,
      script,
      origin: { file: source.display, field: `${field}[${i}]` },
    });
  });
  return out;
}

function fileProblem(file: string, err: unknown): RouteProblem {
  if (err instanceof RouteFileError) return { file, field: err.field, message: err.message };
  throw err;
}
