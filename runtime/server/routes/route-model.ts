/** Routes as the pipeline uses them: Enfyra's cached route records, resolved from files and the schema. */
import type { HookTarget } from '../../runtime.ts';
import type { RouteMethod } from './route-schema.ts';

/** Where a route, handler or hook was defined: a route file and field, or Enfyra's own defaults. */
export interface Origin {
  /** Display path of the file, or null for a built-in record (canonical route, seeded hook). */
  readonly file: string | null;
  /** What defined it, for messages: `preHooks[1]`, `handlers.GET`, `default handler`. */
  readonly field: string;
}

export interface RouteScript {
  readonly target: HookTarget;
  /** How traces and the inspector name it. */
  readonly label: string;
}

export interface RouteHook {
  /** Unique across the table: hooks are deduplicated by it, as Enfyra does by record id. */
  readonly id: string;
  readonly name: string;
  readonly priority: number;
  readonly methods: readonly RouteMethod[];
  readonly isGlobal: boolean;
  readonly script: RouteScript;
  readonly origin: Origin;
}

export interface RouteHandler {
  readonly method: RouteMethod;
  readonly script: RouteScript;
  /** The handler record's timeout (Enfyra: `timeout || 30000`). */
  readonly timeoutMs: number;
  /** Enfyra's default handler of a table route (find / create / update / delete). */
  readonly isDefault: boolean;
}

export interface RoutePermission {
  readonly roleId: string | null;
  readonly allowedUsers: readonly string[];
  readonly methods: readonly RouteMethod[];
}

/** A route file that could not be used: the file and field at fault and why. */
export interface RouteProblem {
  readonly file: string;
  /** `handlers.GET.timeout`, or null when the file itself is the problem (unreadable, not JSON). */
  readonly field: string | null;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface Route {
  readonly path: string;
  readonly mainTable: string | undefined;
  /** True for a table's own route `/<table>` (Enfyra validates POST/PATCH bodies on it). */
  readonly canonical: boolean;
  /** Enfyra serves enabled routes only. */
  readonly enabled: boolean;
  readonly availableMethods: readonly RouteMethod[];
  readonly publicMethods: readonly RouteMethod[];
  readonly skipRoleGuardMethods: readonly RouteMethod[];
  readonly routePermissions: readonly RoutePermission[];
  /** MB; null: Enfyra's setting (members/storage/uploaded-file.ts DEFAULT_MAX_UPLOAD_FILE_SIZE_MB). */
  readonly maxUploadFileSize: number | null;
  readonly handlers: ReadonlyMap<RouteMethod, RouteHandler>;
  /** Global and own enabled hooks, deduplicated and sorted by priority (Enfyra's route cache). */
  readonly preHooks: readonly RouteHook[];
  readonly postHooks: readonly RouteHook[];
  readonly origin: Origin;
  /** Set when the route's file is broken now: its requests answer with this problem. */
  readonly broken?: RouteProblem;
}

export function formatProblem(problem: RouteProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ''}` : problem.file;
  return `${where}: ${problem.field ? `field "${problem.field}": ` : ''}${problem.message}`;
}
