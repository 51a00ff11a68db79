/**
 * `enfyra-run run --kind <kind>`: the request flags mapped onto the `$ctx`
 * Enfyra builds for that kind. Route kinds (preHook, handler, postHook) use
 * the request as it is; for the others:
 * - flowStep: `--body` is the flow payload (`$body` and `$flow.$payload`);
 * - websocket: `--url` is the gateway path; with `--event` the script is that
 *   event's handler and `--body` the message, without it the connection handler;
 * - bootstrap: nothing from the request;
 * - graphql: `--args` are the resolver's `$args`.
 * The user is `--user` or, outside HTTP, null (there is no local default user).
 */
import { contextData, type HookRequest } from '../../context/request.ts';
import type { ContextData } from '../../sandbox/invocation.ts';
import { ROUTE_KINDS, type ScriptKind } from '../../shared/ctx-members.ts';
import { bootstrapContext, flowStepContext, graphqlContext, newFlowContext, websocketConnectionContext, websocketEventContext } from './kinds.ts';

export interface KindOptions {
  /** websocket: the event whose handler runs (none: the connection handler). */
  event?: string;
  /** graphql: `$args`. */
  args?: unknown;
}

/** The one kind each option belongs to. */
export const KIND_OF_OPTION = { event: 'websocket', args: 'graphql' } as const satisfies Record<keyof KindOptions, ScriptKind>;

/** The option given that does not belong with `kind` (`event` is websocket's, `args` graphql's), or null. */
export function misplacedKindOption(kind: ScriptKind, options: { [K in keyof KindOptions]?: unknown }): keyof KindOptions | null {
  for (const option of ['event', 'args'] as const) {
    if (options[option] !== undefined && kind !== KIND_OF_OPTION[option]) return option;
  }
  return null;
}

export function contextForKind(kind: ScriptKind, request: HookRequest, env: Record<string, string>, options: KindOptions = {}): ContextData {
  if (ROUTE_KINDS.includes(kind)) return contextData(request, env);
  const user = request.user ?? null;
  switch (kind) {
    case 'flowStep': {
      const flow = newFlowContext({ id: 'local', name: 'local' }, request.body, '1');
      flow.$meta.currentStep = 'step';
      return flowStepContext({ flow, payload: request.body, user }, env);
    }
    case 'websocket':
      return options.event !== undefined
        ? websocketEventContext({ gateway: request.url ?? '/', event: options.event, payload: request.body, user }, env)
        : websocketConnectionContext({ gateway: request.url ?? '/', user, headers: request.headers, ip: request.ip }, env);
    case 'bootstrap':
      return bootstrapContext(env);
    case 'graphql':
      return graphqlContext(
        {
          args: options.args,
          body: request.body,
          params: request.params,
          query: request.query,
          user,
          req: { method: request.method ?? 'POST', url: request.url ?? '/graphql', headers: request.headers ?? {}, ip: request.ip ?? '127.0.0.1' },
        },
        env,
      );
    default:
      return contextData(request, env);
  }
}
