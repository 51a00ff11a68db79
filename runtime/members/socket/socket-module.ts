/**
 * `$ctx.$socket`: Enfyra's websocket emitters (modules/websocket/services/websocket-context.factory.ts).
 * Nothing is connected locally, so every call is recorded as an effect (`socket.<method>`) with the
 * arguments Enfyra's gateway would get; the script sees what Enfyra returns (nothing, or a number for
 * roomSize).
 *
 * Which methods a script has depends on its kind, as in Enfyra: HTTP scripts, flow steps and GraphQL
 * resolvers get the global proxy; websocket handlers get it bound to their socket, with join/leave/reply/
 * emitToCurrentRoom/broadcastToRoom/disconnect; bootstrap scripts have no `$socket` at all. Enfyra's
 * isolate turns every `$socket.x(...)` into a host call, and the host answers a method its proxy lacks
 * with "Socket method not found: x" (kernel isolated-executor.service.ts execSocketCall); so does this.
 */
import type { HostMethod, HostModule, InvocationScope } from '../../sandbox/host-module.ts';
import type { ScriptKind } from '../../shared/ctx-members.ts';

const GLOBAL_METHODS = ['emitToUser', 'emitToRoom', 'emitToGateway', 'broadcast', 'roomSize'] as const;
const BOUND_METHODS = ['join', 'leave', 'reply', 'emitToCurrentRoom', 'broadcastToRoom', 'disconnect'] as const;
type SocketMethod = (typeof GLOBAL_METHODS)[number] | (typeof BOUND_METHODS)[number];

/** Socket.IO refuses these as event names (BroadcastOperator.emit). */
const RESERVED_EVENTS: ReadonlySet<unknown> = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

export function socketMethodsOf(kind: ScriptKind): readonly SocketMethod[] {
  if (kind === 'bootstrap') return [];
  if (kind === 'websocket') return [...GLOBAL_METHODS, ...BOUND_METHODS];
  return GLOBAL_METHODS;
}

/** Rooms the current socket is in (websocket kind): Enfyra puts a connection in `user_<id or socket id>`. */
interface SocketState {
  rooms: Set<string>;
}

const stateOwner = {};

function state(scope: InvocationScope): SocketState {
  return scope.state(stateOwner, () => {
    const rooms = new Set<string>();
    if (scope.kind === 'websocket') {
      const user = scope.context.$user as { id?: unknown } | null | undefined;
      rooms.add(`user_${user && user.id !== undefined && user.id !== null ? String(user.id) : LOCAL_SOCKET_ID}`);
    }
    return { rooms };
  });
}

/** The id a local websocket handler's socket has (Enfyra's is Socket.IO's random id). */
export const LOCAL_SOCKET_ID = 'local-socket';

function gatewayOf(scope: InvocationScope): unknown {
  return (scope.context.$req as { url?: unknown } | undefined)?.url ?? null;
}

function assertEvent(event: unknown): void {
  if (RESERVED_EVENTS.has(event)) throw new Error(`"${String(event)}" is a reserved event name`);
}

type Impl = (scope: InvocationScope, args: unknown[]) => unknown;

const IMPLS: Record<SocketMethod, Impl> = {
  emitToUser: (scope, [userId, event, data]) => {
    assertEvent(event);
    scope.effect({ type: 'socket.emitToUser', userId, event, data });
  },
  emitToRoom: (scope, [gateway, room, event, data]) => {
    // Enfyra emits from an un-awaited async function: a reserved name fails there, not in the script.
    if (RESERVED_EVENTS.has(event)) {
      scope.warn('socket.reserved-event-dropped', `$socket.emitToRoom: "${String(event)}" is a reserved Socket.IO event name; Enfyra drops this emit without an error`);
      return;
    }
    scope.effect({ type: 'socket.emitToRoom', gateway, room, event, data });
  },
  emitToGateway: (scope, [gateway, event, data]) => {
    assertEvent(event);
    scope.effect({ type: 'socket.emitToGateway', gateway, event, data });
  },
  broadcast: (scope, [event, data]) => {
    assertEvent(event);
    scope.effect({ type: 'socket.broadcast', event, data });
  },
  roomSize: (scope, [room]) => {
    // No client is connected locally: only the current socket counts, in the rooms it joined.
    const size = scope.kind === 'websocket' && state(scope).rooms.has(String(room)) ? 1 : 0;
    scope.effect({ type: 'socket.roomSize', room, result: size });
    return size;
  },
  join: (scope, [room]) => {
    state(scope).rooms.add(String(room));
    scope.effect({ type: 'socket.join', gateway: gatewayOf(scope), room });
  },
  leave: (scope, [room]) => {
    state(scope).rooms.delete(String(room));
    scope.effect({ type: 'socket.leave', gateway: gatewayOf(scope), room });
  },
  reply: (scope, [event, data]) => {
    assertEvent(event);
    scope.effect({ type: 'socket.reply', gateway: gatewayOf(scope), event, data });
  },
  emitToCurrentRoom: (scope, [room, event, data]) => {
    if (RESERVED_EVENTS.has(event)) {
      scope.warn('socket.reserved-event-dropped', `$socket.emitToCurrentRoom: "${String(event)}" is a reserved Socket.IO event name; Enfyra drops this emit without an error`);
      return;
    }
    scope.effect({ type: 'socket.emitToCurrentRoom', gateway: gatewayOf(scope), room, event, data });
  },
  broadcastToRoom: (scope, [room, event, data]) => {
    assertEvent(event);
    scope.effect({ type: 'socket.broadcastToRoom', gateway: gatewayOf(scope), room, event, data });
  },
  disconnect: (scope) => {
    scope.effect({ type: 'socket.disconnect', gateway: gatewayOf(scope) });
  },
};

export function createSocketModule(): HostModule {
  const methods: Record<string, HostMethod> = {};
  for (const name of [...GLOBAL_METHODS, ...BOUND_METHODS]) {
    methods[name] = {
      // Enfyra's isolate proxies every $socket method as an async function.
      kind: 'async',
      call: async (scope, args) => {
        if (!socketMethodsOf(scope.kind).includes(name)) throw new Error(`Socket method not found: ${name}`);
        return IMPLS[name](scope, args);
      },
    };
  }
  return { path: '$socket', methods };
}
