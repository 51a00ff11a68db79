/**
 * `$ctx.$cache`: validates script arguments, applies the namespace, encodes
 * values and keeps lock bookkeeping, over any CacheDriver (DESIGN §2).
 *
 * Extensions beyond Enfyra's API:
 * - `incr(key, by = 1, ttlMs?)`: atomic integer add; a missing key counts as
 *   0; `ttlMs` applies only when this call creates the key (a fixed window).
 *   Rejects with TypeError when the stored value is not an integer.
 * - `lockToken(key)`: the fencing token of a lock this invocation acquired
 *   and has not released or deleted — a number from a namespace-wide counter
 *   taken right after the successful `acquire`, greater than every token
 *   handed out before it (pass it to the guarded resource, which refuses
 *   smaller ones). Otherwise `null`. It is not re-checked against the store: a
 *   lock whose TTL ran out still reports its token, which is exactly the case
 *   fencing protects against. A lock whose TTL runs out between the acquire
 *   and the token is the one case the order can be off, so use TTLs far above
 *   one store round trip.
 */
import type { HostArg, HostMethod, HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { NotAnIntegerError, type CacheDriver } from './driver.ts';
import { decode } from './codec.ts';
import { jsonEqual } from './json-equal.ts';
import { fenceCounterKey, namespacedKey } from './keys.ts';
import { newHeldLocks, settleLeakedLocks, type HeldLocks } from './held-locks.ts';
import { checkComparable, checkInteger, checkKey, checkOptionalTtl, checkTtl, checkValue } from './validate.ts';

export { namespacedKey } from './keys.ts';

export interface CacheModuleOptions {
  driver: CacheDriver;
  namespace: string;
  maxValueBytes: number;
  releaseLeakedLocks: boolean;
}

type Body = (scope: InvocationScope, args: HostArg[]) => Promise<unknown>;

/** An async host method whose argument errors reject (the body may throw synchronously before its first await). */
function method(body: Body): HostMethod {
  return {
    kind: 'async',
    call(scope, args) {
      try {
        return body(scope, args);
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

function decodeOrNull(raw: string | null): unknown {
  return raw === null ? null : decode(raw);
}

function noResult(): void {}

export function createCacheModule(options: CacheModuleOptions): HostModule {
  const { driver, namespace, maxValueBytes, releaseLeakedLocks } = options;
  const fenceKey = fenceCounterKey(namespace);
  const owner = {};
  const heldLocks = (scope: InvocationScope): HeldLocks => scope.state(owner, newHeldLocks);
  const stored = (label: string, key: unknown): string => namespacedKey(namespace, checkKey(label, key));

  /**
   * Compare-and-delete with structural equality: the exact encoding first (one
   * round trip in the common case); on a miss, the stored string may still be
   * an equal value in another spelling (key order, a raw string another
   * process wrote), and that exact string is then deleted only if unchanged.
   */
  async function releaseEqual(key: string, encoded: string): Promise<boolean> {
    if (await driver.release(key, encoded)) return true;
    const raw = await driver.get(key);
    if (raw === null || raw === encoded || !jsonEqual(decode(raw), JSON.parse(encoded))) return false;
    return driver.release(key, raw);
  }

  const methods: Record<string, HostMethod> = {
    get: method((_scope, args) => driver.get(stored('$cache.get', args[0])).then(decodeOrNull)),

    set: method((_scope, args) => {
      const label = '$cache.set';
      const key = stored(label, args[0]);
      const raw = checkValue(label, args[1], maxValueBytes);
      return driver.set(key, raw, checkTtl(label, args[2])).then(noResult);
    }),

    setNoExpire: method((_scope, args) => {
      const label = '$cache.setNoExpire';
      const key = stored(label, args[0]);
      return driver.set(key, checkValue(label, args[1], maxValueBytes), null).then(noResult);
    }),

    deleteKey: method(async (scope, args) => {
      const logical = checkKey('$cache.deleteKey', args[0]);
      await driver.delete(namespacedKey(namespace, logical));
      heldLocks(scope).delete(logical);
    }),

    exists: method(async (_scope, args) => {
      const label = '$cache.exists';
      const key = stored(label, args[0]);
      const expected = args[1] === undefined ? undefined : checkComparable(label, args[1]);
      const raw = await driver.get(key);
      if (raw === null) return false;
      if (expected === undefined || raw === expected) return true;
      return jsonEqual(decode(raw), JSON.parse(expected));
    }),

    acquire: method(async (scope, args) => {
      const label = '$cache.acquire';
      const logical = checkKey(label, args[0]);
      const raw = checkValue(label, args[1], maxValueBytes);
      const ttlMs = checkTtl(label, args[2]);
      const key = namespacedKey(namespace, logical);
      if (!(await driver.acquire(key, raw, ttlMs))) return false;
      const lock = { storedKey: key, raw, token: null as number | null };
      const locks = heldLocks(scope);
      locks.set(logical, lock);
      try {
        lock.token = await driver.nextFencingToken(fenceKey);
      } catch (err) {
        // Report the acquire as failed only if the lock could be given back; otherwise it stays tracked.
        if (await driver.release(key, raw).catch(() => false)) locks.delete(logical);
        throw err;
      }
      return true;
    }),

    release: method(async (scope, args) => {
      const label = '$cache.release';
      const logical = checkKey(label, args[0]);
      const expected = checkComparable(label, args[1]);
      const released = await releaseEqual(namespacedKey(namespace, logical), expected);
      if (released) heldLocks(scope).delete(logical);
      return released;
    }),

    incr: method(async (_scope, args) => {
      const label = '$cache.incr';
      const logical = checkKey(label, args[0]);
      const by = checkInteger(label, 'by', args[1], 1);
      const ttlMs = checkOptionalTtl(label, args[2]);
      try {
        return await driver.incr(namespacedKey(namespace, logical), by, ttlMs);
      } catch (err) {
        if (!(err instanceof NotAnIntegerError)) throw err;
        throw new TypeError(`${label}: the value stored at "${logical}" is not an integer, or adding ${by} leaves the integer range`);
      }
    }),

    lockToken: method(async (scope, args) => {
      const logical = checkKey('$cache.lockToken', args[0]);
      return heldLocks(scope).get(logical)?.token ?? null;
    }),
  };

  return {
    path: '$cache',
    methods,
    onInvocationEnd: (scope) => settleLeakedLocks(scope, heldLocks(scope), driver, releaseLeakedLocks),
  };
}
