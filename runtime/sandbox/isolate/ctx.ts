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

export function buildCtx(request: ContextData, manifest: readonly ManifestEntry[], packages: Record<string, unknown>, calls: HostCalls): CtxNode {
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

  function ensurePath(path: string): CtxNode {
    let node = $ctx;
    for (const part of path.split('.')) {
      if (node[part] === undefined) node[part] = {};
      node = node[part] as CtxNode;
    }
    return node;
  }

  /** The object holding the last segment of `path`, and that segment. */
  function parentOf(path: string): [parent: CtxNode, last: string] {
    const segments = path.split('.');
    const last = segments.pop()!;
    return [segments.length ? ensurePath(segments.join('.')) : $ctx, last];
  }

  for (const entry of manifest) {
    if (entry.dynamic) {
      const members = new MapCtor<string, object>();
      const [parent, last] = parentOf(entry.path);
      parent[last] = new ProxyCtor(
        {},
        {
          get(_target, name) {
            if (typeof name !== 'string') return undefined;
            let member = reflectApply(mapGet, members, [name]) as object | undefined;
            if (!member) {
              member = {};
              // Own methods only, defined (not assigned): the script may have polluted Object.prototype by now.
              for (const method in entry.methods) {
                if (!reflectApply(hasOwn, entry.methods, [method])) continue;
                defineProperty(member, method, {
                  value: stub(entry.path + '.' + method, entry.methods[method]!, name),
                  writable: true,
                  enumerable: true,
                  configurable: true,
                });
              }
              reflectApply(mapSet, members, [name, member]);
            }
            return member;
          },
        },
      );
      continue;
    }
    if (entry.callable !== null) {
      const [parent, last] = parentOf(entry.path);
      const fn = stub(entry.path + '.' + entry.callable, entry.methods[entry.callable]!) as Stub & CtxNode;
      for (const method in entry.methods) if (method !== entry.callable) fn[method] = stub(entry.path + '.' + method, entry.methods[method]!);
      parent[last] = fn;
      continue;
    }
    const node = ensurePath(entry.path);
    for (const method in entry.methods) node[method] = stub(entry.path + '.' + method, entry.methods[method]!);
  }

  // Paths that answer every name (Enfyra's proxies), wrapped once every path exists: a proxy in the
  // middle of ensurePath would hand out a function where a later module expects its object.
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
  for (const entry of manifest) {
    if (!entry.fallback || entry.dynamic) continue;
    const [parent, last] = parentOf(entry.path);
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
