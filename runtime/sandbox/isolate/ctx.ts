/**
 * One invocation's `$ctx`: the request's data members, then a stub for every host method in the manifest
 * (at its dotted path, as a proxy for dynamic members and fallbacks), then `$transaction.run`.
 * `$logs` and `$throw` are added by the invocation (run.ts).
 */
import type { CallKind, ContextData, ManifestEntry } from '../protocol.ts';
import { MapCtor, ProxyCtor, TypeErrorCtor, defineProperty, hasOwn, mapGet, mapSet, reflectApply, reflectGet } from './intrinsics.ts';
import type { HostCalls } from './host-calls.ts';

/** An object in `$ctx`'s tree, as the bootstrap builds it (scripts may put anything there). */
export interface CtxNode {
  [name: string]: unknown;
}

type Stub = (...args: unknown[]) => unknown;

/** One manifest entry, read once per isolate: its paths split and every method's op name made. */
interface Step {
  entry: ManifestEntry;
  /** Where the member sits: the segments before its name, and its name. */
  parent: readonly string[];
  last: string;
  /** [method, op, kind] in the manifest's order (the callable's own method left out, but on a dynamic member). */
  methods: ReadonlyArray<readonly [method: string, op: string, kind: CallKind]>;
  callable: readonly [op: string, kind: CallKind] | null;
}

export type CtxBuilder = (request: ContextData, packages: Record<string, unknown>, calls: HostCalls) => CtxNode;

/**
 * Reads the manifest once (an isolate serves many invocations with the same one) and returns what
 * builds each invocation's `$ctx`: splitting paths and naming ops per invocation cost more than the
 * stubs themselves.
 */
export function ctxBuilder(manifest: readonly ManifestEntry[]): CtxBuilder {
  const steps: Step[] = [];
  for (const entry of manifest) {
    const segments = entry.path.split('.');
    const last = segments.pop()!;
    const methods: Array<readonly [string, string, CallKind]> = [];
    for (const method in entry.methods) {
      // A callable member's own method is the member itself, except on a dynamic member, which has them all.
      if (!reflectApply(hasOwn, entry.methods, [method]) || (method === entry.callable && !entry.dynamic)) continue;
      methods.push([method, entry.path + '.' + method, entry.methods[method]!]);
    }
    const callable = entry.callable === null ? null : ([entry.path + '.' + entry.callable, entry.methods[entry.callable]!] as const);
    steps.push({ entry, parent: segments, last, methods, callable });
  }
  return (request, packages, calls) => buildCtx(request, steps, packages, calls);
}

function buildCtx(request: ContextData, steps: readonly Step[], packages: Record<string, unknown>, calls: HostCalls): CtxNode {
  const { callSync, callAsync } = calls;

  function stub(op: string, kind: CallKind, prefixArg?: string): Stub {
    if (kind === 'sync') {
      return prefixArg === undefined
        ? function (...args: unknown[]) { return callSync(op, args); }
        : function (...args: unknown[]) { return callSync(op, withPrefix(prefixArg, args)); };
    }
    return prefixArg === undefined
      ? function (...args: unknown[]) { return callAsync(op, args); }
      : function (...args: unknown[]) { return callAsync(op, withPrefix(prefixArg, args)); };
  }

  const $ctx: CtxNode = {
    $params: request.params,
    $query: request.query,
    $body: request.body,
    $user: request.user,
    $req: request.req,
    $share: request.share,
    $data: request.data,
    $statusCode: request.statusCode,
    $api: request.api,
    $env: request.env,
    $pkgs: packages,
  };
  if (request.extra !== null && typeof request.extra === 'object') {
    for (const name in request.extra) $ctx[name] = request.extra[name];
  }

  /** The node at `segments` (made where missing). */
  function nodeAt(segments: readonly string[]): CtxNode {
    let node = $ctx;
    for (let i = 0; i < segments.length; i++) {
      const part = segments[i]!;
      if (node[part] === undefined) node[part] = {};
      node = node[part] as CtxNode;
    }
    return node;
  }

  for (let s = 0; s < steps.length; s++) {
    const { entry, parent: parentPath, last, methods, callable } = steps[s]!;
    const parent = nodeAt(parentPath);
    if (entry.dynamic) {
      const members = new MapCtor<string, object>();
      parent[last] = new ProxyCtor(
        {},
        {
          get(_target, name) {
            if (typeof name !== 'string') return undefined;
            let member = reflectApply(mapGet, members, [name]) as object | undefined;
            if (!member) {
              member = {};
              // Defined (not assigned): the script may have polluted Object.prototype by now.
              for (let m = 0; m < methods.length; m++) {
                const method = methods[m]!;
                defineProperty(member, method[0], { value: stub(method[1], method[2], name), writable: true, enumerable: true, configurable: true });
              }
              reflectApply(mapSet, members, [name, member]);
            }
            return member;
          },
        },
      );
      continue;
    }
    let node: CtxNode;
    if (callable !== null) {
      node = stub(callable[0], callable[1]) as Stub & CtxNode;
      parent[last] = node;
    } else {
      if (parent[last] === undefined) parent[last] = {};
      node = parent[last] as CtxNode;
    }
    for (let m = 0; m < methods.length; m++) {
      const method = methods[m]!;
      node[method[0]] = stub(method[1], method[2]);
    }
  }

  // Paths that answer every name (Enfyra's proxies), wrapped once every path exists: a proxy in the
  // middle of nodeAt would hand out a function where a later module expects its object.
  // `then` and `toJSON` stay undefined so `await` and JSON.stringify treat the object as a plain value.
  function answersEveryName(target: object, name: string | symbol): name is string {
    return typeof name === 'string' && name !== 'then' && name !== 'toJSON' && !(name in target);
  }
  function fallbackStub(path: string, kind: CallKind, name: string): unknown {
    return new ProxyCtor(stub(path + '.*', kind, name), {
      get(target, sub, receiver) {
        return answersEveryName(target, sub) ? fallbackStub(path, kind, name + '.' + sub) : reflectApply(reflectGet, undefined, [target, sub, receiver]);
      },
    });
  }
  for (let s = 0; s < steps.length; s++) {
    const { entry, parent: parentPath, last } = steps[s]!;
    if (!entry.fallback || entry.dynamic) continue;
    const parent = nodeAt(parentPath);
    const kind = entry.fallback;
    parent[last] = new ProxyCtor(parent[last] as object, {
      get(target, name, receiver) {
        return answersEveryName(target, name) ? fallbackStub(entry.path, kind, name) : reflectApply(reflectGet, undefined, [target, name, receiver]);
      },
    });
  }

  if ($ctx.$transaction) $ctx.$transaction = transaction($ctx.$transaction as CtxNode);
  return $ctx;
}

/** `[prefix, ...args]` without the (replaceable) array iterator. */
function withPrefix(prefix: string, args: unknown[]): unknown[] {
  const out: unknown[] = [prefix];
  for (let i = 0; i < args.length; i++) out[i + 1] = args[i];
  return out;
}

/**
 * Enfyra's $transaction has one method, run(cb): the $repos calls made inside share one transaction,
 * committed when cb resolves and rolled back when it throws (a nested run joins the outer one, on the
 * host). The host module's begin/commit/rollback stay internal, as Enfyra has no such members.
 */
function transaction(host: CtxNode): CtxNode {
  const begin = host.begin as () => Promise<unknown>;
  const commit = host.commit as () => Promise<unknown>;
  const rollback = host.rollback as () => Promise<unknown>;
  return {
    run: async function run(callback: unknown): Promise<unknown> {
      if (typeof callback !== 'function') throw new TypeErrorCtor('$transaction.run expects a function');
      await begin();
      let result: unknown;
      try {
        result = await (callback as () => unknown)();
      } catch (err) {
        await rollback();
        throw err;
      }
      await commit();
      return result;
    },
  };
}
