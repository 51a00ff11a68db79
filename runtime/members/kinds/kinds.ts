/**
 * The `$ctx` data Enfyra builds for the script kinds that are not route hooks
 * (shared/services/dynamic-context.factory.ts at HEAD: createBase, createFlow,
 * createWebsocketConnection/Event, createGraphql; domain/bootstrap/services/
 * bootstrap-script.service.ts). Route hooks get theirs from context/request.ts.
 *
 * Members a kind lacks stay undefined, exactly as in Enfyra: a flow step has no
 * `$req`, `$query` or `$api`; a bootstrap script has no `$user` and no `$req`.
 * Host members ($socket, $trigger, helpers) decide by `scope.kind` what they
 * serve; see shared/ctx-members.ts for the list per kind.
 */
import type { ContextData } from '../../sandbox/invocation.ts';

type Env = Record<string, string>;

/** createBase: the members every kind starts from. */
function base(env: Env, fields: Partial<ContextData> = {}): ContextData {
  return {
    params: {},
    query: {},
    body: {},
    user: null,
    req: undefined,
    share: { $logs: [] },
    data: undefined,
    statusCode: undefined,
    api: undefined,
    env,
    ...fields,
  };
}

/** `$ctx.$flow` as flow-execution-queue.service.ts builds it for a run, before the first step. */
export interface FlowContext {
  $payload: unknown;
  $last: unknown;
  $meta: {
    flowId: number | string;
    flowName: string;
    executionId: string;
    depth: number;
    startedAt: string;
    currentStep?: string;
  };
  [stepKey: string]: unknown;
}

export function newFlowContext(flow: { id: number | string; name: string }, payload: unknown, executionId: string, depth = 0): FlowContext {
  return {
    $payload: payload || {},
    $last: null,
    $meta: { flowId: flow.id, flowName: flow.name, executionId, depth, startedAt: new Date().toISOString() },
  };
}

/** createFlow: `$body` is the payload, `$user` the user who triggered the flow (null for a schedule). */
export function flowStepContext(options: { flow: FlowContext; payload: unknown; user?: unknown; share?: unknown }, env: Env): ContextData {
  return base(env, {
    body: options.payload || {},
    user: options.user ?? null,
    share: options.share ?? { $logs: [] },
    extra: { $flow: options.flow },
  });
}

export interface WebsocketConnectionOptions {
  gateway: string;
  socketId?: string;
  user?: unknown;
  headers?: Record<string, string>;
  ip?: string | null;
  /** The handshake's `auth` object. */
  auth?: unknown;
}

/** createWebsocketConnection: the client info is both `$body` and `$data`. */
export function websocketConnectionContext(options: WebsocketConnectionOptions, env: Env): ContextData {
  const clientInfo = { id: options.socketId ?? 'local-socket', ip: options.ip ?? '127.0.0.1', headers: options.headers ?? {}, auth: options.auth ?? {} };
  return websocket(env, { method: 'WS_CONNECT', url: options.gateway, body: clientInfo, user: options.user, headers: clientInfo.headers, ip: clientInfo.ip });
}

export interface WebsocketEventOptions {
  gateway: string;
  event: string;
  payload?: unknown;
  user?: unknown;
}

/** createWebsocketEvent: the message is both `$body` and `$data`; an event's `$req` has no ip or headers. */
export function websocketEventContext(options: WebsocketEventOptions, env: Env): ContextData {
  return websocket(env, {
    method: 'WS_EVENT',
    url: options.gateway,
    apiUrl: `${options.gateway}/${options.event}`,
    body: options.payload,
    user: options.user,
  });
}

function websocket(
  env: Env,
  o: { method: string; url: string; apiUrl?: string; body?: unknown; user?: unknown; headers?: Record<string, string>; ip?: string | null },
): ContextData {
  const user = o.user ?? null;
  const body = o.body || {};
  return base(env, {
    body,
    data: body,
    user,
    req: { method: o.method, url: o.url, ip: o.ip ?? null, headers: o.headers ?? {}, user },
    api: { request: { method: o.method, url: o.apiUrl ?? o.url, timestamp: new Date().toISOString(), ip: o.ip ?? undefined } },
  });
}

/** bootstrap-script.service.ts executeScript: createBase with nothing request-like. */
export function bootstrapContext(env: Env): ContextData {
  return base(env);
}

export interface GraphqlOptions {
  args?: unknown;
  body?: unknown;
  params?: unknown;
  query?: unknown;
  user?: unknown;
  req?: unknown;
}

/** createGraphql: the resolver's field arguments are `$args`. */
export function graphqlContext(options: GraphqlOptions, env: Env): ContextData {
  return base(env, {
    body: options.body || {},
    params: options.params || {},
    query: options.query || {},
    user: options.user ?? null,
    req: options.req,
    extra: { $args: options.args || {} },
  });
}
