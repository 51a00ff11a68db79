/**
 * What Enfyra gives every project without a route file: a route `/<table>`
 * per table with the default REST handlers (server
 * src/domain/bootstrap/utils/canonical-table-route.util.ts, created by
 * table-route-artifacts.service.ts with all four methods and no public
 * method), and the global post-hook "Default response" seeded by
 * data/default-data.json.
 */
import type { RouteHandler, RouteHook } from './route-model.ts';
import { ROUTE_METHODS, type RouteMethod } from './route-schema.ts';

export const DEFAULT_HANDLER_SOURCE: Readonly<Record<RouteMethod, string>> = {
  GET: 'return await @REPOS.main.find();',
  POST: 'return await @REPOS.main.create({ data: @BODY });',
  PATCH: 'return await @REPOS.main.update({ id: @PARAMS.id, data: @BODY });',
  DELETE: 'return await @REPOS.main.delete({ id: @PARAMS.id });',
};

/** Enfyra's handler timeout when the record gives none. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

export function defaultHandler(path: string, method: RouteMethod): RouteHandler {
  const source = DEFAULT_HANDLER_SOURCE[method];
  return {
    method,
    script: { target: { source, filename: `default ${method} handler of ${path}` }, label: `default ${method} handler` },
    timeoutMs: DEFAULT_HANDLER_TIMEOUT_MS,
    isDefault: true,
  };
}

export const DEFAULT_RESPONSE_HOOK_NAME = 'Default response';

/** The seeded global post-hook: wraps every successful answer as `{ statusCode, ...data, message: 'Success' }`. */
export const DEFAULT_RESPONSE_HOOK: RouteHook = {
  id: 'seed:postHook:Default response',
  name: DEFAULT_RESPONSE_HOOK_NAME,
  priority: 0,
  methods: ROUTE_METHODS,
  isGlobal: true,
  script: {
    target: { source: "@DATA = { statusCode: @STATUS, ...@DATA, message: 'Success'}", filename: 'seeded post-hook "Default response"' },
    label: 'post-hook "Default response" (seeded)',
  },
  origin: { file: null, field: 'seeded post-hook "Default response"' },
};
