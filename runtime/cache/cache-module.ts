/**
 * `$ctx.$cache` as Enfyra 2.2's UserCacheService (user-cache.service.ts), over
 * any CacheDriver:
 * - keys `<namespace>:user_cache:<key>` (keys.ts); a key must be a non-empty
 *   string ('cache key is required');
 * - a string is stored as it is, anything else as JSON; reads parse JSON and
 *   fall back to the raw text (codec.ts);
 * - no positive TTL, and `setNoExpire`, mean the namespace lifecycle TTL
 *   (30 min by default); a positive TTL must be an integer, as Redis PX wants;
 * - `exists(key, value)` and `release(key, value)` compare JSON text, so key
 *   order matters; `exists(key)` without a value is false; `release` says
 *   false for any error;
 * - any other method fails with 'Cache method not found: <name>'.
 * Where that is a trap, the call also warns (warnings.ts).
 *
 * Extensions beyond Enfyra's API (each call warns that Enfyra lacks it):
 * - `incr(key, by = 1, ttlMs?)`: atomic integer add; a missing key counts as
 *   0; the TTL (the lifecycle TTL when none is given) applies only when this
 *   call creates the key (a fixed window). Rejects with TypeError when the
 *   stored value is not an integer.
 * - `lockToken(key)`: the fencing token of a lock this invocation acquired
 *   and has not released or deleted — a number from a namespace-wide counter
 *   taken right after the successful `acquire`, greater than every token
 *   handed out before it (pass it to the guarded resource, which refuses
 *   smaller ones). Otherwise `null`. It is not re-checked against the store: a
 *   lock whose TTL ran out still reports its token, which is exactly the case
 *   fencing protects against.
 */
import type { CacheConfig } from '../config/schema.ts';
import type { HostArg, HostMethod, HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { NotAnIntegerError, type CacheDriver } from './driver.ts';
import { decode, encode, readsBackChanged } from './codec.ts';
import { jsonEqual } from './json-equal.ts';
import { fenceCounterKey, namespacedKey } from './keys.ts';
import { newHeldLocks, settleLeakedLocks, type HeldLocks } from './held-locks.ts';
import { arg, checkComparable, checkInteger, checkKey, checkStoredValue, checkTtl, KEY_REQUIRED, type Ttl } from './validate.ts';
import { CACHE_WARNINGS as W, describeDuration, describeKind, warnOnce } from './warnings.ts';

export { namespacedKey } from './keys.ts';

export interface CacheModuleOptions {
  driver: CacheDriver;
  namespace: string;
  /** Enfyra's namespace lifecycle TTL (REDIS_NAMESPACE_KEY_TTL_MS): what a value without a positive TTL gets. */
  lifecycleTtlMs: number;
  /** Largest stored value in bytes (REDIS_USER_CACHE_MAX_VALUE_BYTES); 0: no limit. */
  maxValueBytes: number;
  /** The namespace's capacity in bytes (REDIS_USER_CACHE_LIMIT_MB); 0: no limit. */
  limitBytes: number;
  releaseLeakedLocks: boolean;
}

/** The module's settings from the `cache` config section. */
export function cacheModuleSettings(config: CacheConfig): Omit<CacheModuleOptions, 'driver'> {
  return {
    namespace: config.namespace,
    lifecycleTtlMs: config.lifecycleTtlMs,
    maxValueBytes: config.maxValueBytes,
    // Enfyra: REDIS_USER_CACHE_LIMIT_MB * 1024 * 1024.
    limitBytes: Math.floor(config.limitMb * 1024 * 1024),
    releaseLeakedLocks: config.releaseLeakedLocks,
  };
}

type Body = (scope: InvocationScope, args: HostArg[]) => Promise<unknown>;

/** An async host method whose synchronous errors reject, as Enfyra's async facade does. */
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

/** Enfyra renews every namespace key this often while an instance runs (runtime-namespace-lifecycle.service.ts). */
function renewIntervalMs(lifecycleTtlMs: number): number {
  return Math.min(20_000, Math.max(1000, Math.floor(lifecycleTtlMs / 3)));
}

export function createCacheModule(options: CacheModuleOptions): HostModule {
  const { driver, namespace, lifecycleTtlMs, releaseLeakedLocks } = options;
  const limits = { maxValueBytes: options.maxValueBytes, limitBytes: options.limitBytes };
  const fenceKey = fenceCounterKey(namespace);
  const owner = {};
  const heldLocks = (scope: InvocationScope): HeldLocks => scope.state(owner, newHeldLocks);
  const lifecycle = describeDuration(lifecycleTtlMs);
  const renewEvery = describeDuration(renewIntervalMs(lifecycleTtlMs));

  /** The script's key (validated), with a hint when it is a value Enfyra refuses but one might expect to work. */
  function key(scope: InvocationScope, raw: unknown): string {
    if (raw !== '' && raw !== null && raw !== undefined && typeof raw !== 'string') {
      warnOnce(
        scope,
        W.keyNotString,
        `Enfyra refuses a $cache key that is not a string (${KEY_REQUIRED}), here a ${typeof raw}: pass String(key) or a template string`,
      );
    }
    return checkKey(raw);
  }

  function warnTtl(scope: InvocationScope, name: string, ttl: Ttl, lock: boolean): void {
    if (!ttl.given) {
      warnOnce(
        scope,
        W.setWithoutTtl,
        `$cache.${name} without a positive TTL: Enfyra stores it with the namespace lifecycle TTL (${lifecycle}), so it does expire; pass ttlMs to choose`,
      );
      return;
    }
    const after = lock
      ? 'a lock that is never released stays taken as long as Enfyra runs, whatever its TTL'
      : `this TTL (${describeDuration(ttl.ms)}) does not end the key in production as it does here; keep an expiry time in the value where it matters`;
    warnOnce(
      scope,
      W.ttlRenewed,
      `$cache.${name}: Enfyra 2.2 renews every $cache key to its lifecycle TTL (${lifecycle}) every ${renewEvery} while an instance runs, so ${after}`,
    );
  }

  function warnStoredValue(scope: InvocationScope, name: string, value: unknown): void {
    if (typeof value === 'string' && readsBackChanged(value)) {
      warnOnce(
        scope,
        W.stringReadsBackAsJson,
        `$cache.${name} stores a string raw and Enfyra's get parses it as JSON: this one reads back as ${describeKind(decode(value))} (e.g. '123' reads back as 123); store an object ({ value: s }) to keep a string`,
      );
    }
  }

  function undefinedArg(scope: InvocationScope, name: string, args: HostArg[], index: number): void {
    if (index < args.length && args[index] === undefined) {
      warnOnce(
        scope,
        W.undefinedStoredAsNull,
        `$cache.${name} with an undefined value: arguments cross to Enfyra's cache as JSON, so null is stored and get returns null, as for a missing key`,
      );
    }
  }

  function extension(scope: InvocationScope, name: string): void {
    warnOnce(
      scope,
      W.extension,
      `$cache.${name} is an enfyra-run extension: Enfyra has no such method, so the script fails there with "Cache method not found: ${name}"`,
    );
  }

  /** Stored text and stored key order differ but the values are equal: the JSON-text comparison said no. */
  function warnKeyOrder(scope: InvocationScope, name: string, raw: string | null, expected: string): void {
    if (raw === null || raw === expected) return;
    const stored = decode(raw);
    if (typeof stored !== 'object' || stored === null || !jsonEqual(stored, decode(expected))) return;
    const outcome = name === 'release' ? 'the lock was not released' : 'it returns false';
    warnOnce(
      scope,
      W.keyOrder,
      `$cache.${name} compares JSON text in Enfyra, and the stored value has the same content with its keys in another order, so ${outcome}; compare a string or build the object in one fixed key order`,
    );
  }

  async function write(scope: InvocationScope, name: string, args: HostArg[], ttlArg: unknown): Promise<void> {
    const stored = namespacedKey(namespace, key(scope, args[0]));
    const value = arg(args, 1);
    const text = checkStoredValue(value, limits);
    const ttl = checkTtl(ttlArg, lifecycleTtlMs);
    undefinedArg(scope, name, args, 1);
    warnStoredValue(scope, name, value.value);
    if (name === 'set') warnTtl(scope, name, ttl, false);
    await driver.set(stored, text, ttl.ms);
  }

  const methods: Record<string, HostMethod> = {
    get: method(async (scope, args) => {
      const raw = await driver.get(namespacedKey(namespace, key(scope, args[0])));
      return raw === null ? null : decode(raw);
    }),

    set: method((scope, args) => write(scope, 'set', args, arg(args, 2).value)),

    setNoExpire: method(async (scope, args) => {
      await write(scope, 'setNoExpire', args, 0);
      warnOnce(
        scope,
        W.setNoExpire,
        `$cache.setNoExpire does expire in Enfyra: it stores with the namespace lifecycle TTL (${lifecycle})`,
      );
    }),

    deleteKey: method(async (scope, args) => {
      const logical = key(scope, args[0]);
      await driver.delete(namespacedKey(namespace, logical));
      heldLocks(scope).delete(logical);
    }),

    exists: method(async (scope, args) => {
      const stored = namespacedKey(namespace, key(scope, args[0]));
      const expected = checkComparable(arg(args, 1));
      const raw = await driver.get(stored);
      if (expected === undefined) {
        warnOnce(
          scope,
          W.existsWithoutValue,
          '$cache.exists(key) without a value is always false in Enfyra (it compares the stored value with undefined); pass the value, or test (await $cache.get(key)) !== null',
        );
        return false;
      }
      if (raw === null) return false;
      const equal = JSON.stringify(decode(raw)) === JSON.stringify(decode(expected));
      if (!equal) warnKeyOrder(scope, 'exists', raw, expected);
      return equal;
    }),

    acquire: method(async (scope, args) => {
      const logical = key(scope, args[0]);
      const value = arg(args, 1);
      const text = checkStoredValue(value, limits);
      const ttl = checkTtl(arg(args, 2).value, lifecycleTtlMs);
      undefinedArg(scope, 'acquire', args, 1);
      warnTtl(scope, 'acquire', ttl, true);
      const stored = namespacedKey(namespace, logical);
      if (!(await driver.acquire(stored, text, ttl.ms))) return false;
      const lock = { storedKey: stored, raw: text, token: null as number | null };
      const locks = heldLocks(scope);
      locks.set(logical, lock);
      try {
        lock.token = await driver.nextFencingToken(fenceKey);
      } catch (err) {
        // Report the acquire as failed only if the lock could be given back; otherwise it stays tracked.
        if (await driver.release(stored, text).catch(() => false)) locks.delete(logical);
        throw err;
      }
      return true;
    }),

    release: method(async (scope, args) => {
      const logical = key(scope, args[0]);
      // An omitted value reaches Redis as an empty string (ioredis), which is what Enfyra compares with.
      const expected = checkComparable(arg(args, 1)) ?? '';
      const stored = namespacedKey(namespace, logical);
      let released: boolean;
      try {
        released = await driver.release(stored, expected);
      } catch (err) {
        warnOnce(
          scope,
          W.releaseFailed,
          `$cache.release failed (${(err as Error).message}) and Enfyra answers false for any error, as for a lock someone else holds; the lock stays until its TTL`,
        );
        return false;
      }
      if (released) {
        heldLocks(scope).delete(logical);
        return true;
      }
      warnKeyOrder(scope, 'release', await driver.get(stored).catch(() => null), expected);
      return false;
    }),

    incr: method(async (scope, args) => {
      extension(scope, 'incr');
      const label = '$cache.incr';
      const logical = key(scope, args[0]);
      const by = checkInteger(label, 'by', arg(args, 1).value, 1);
      const ttl = checkTtl(arg(args, 2).value, lifecycleTtlMs);
      try {
        return await driver.incr(namespacedKey(namespace, logical), by, ttl.ms);
      } catch (err) {
        if (!(err instanceof NotAnIntegerError)) throw err;
        throw new TypeError(`${label}: the value stored at "${logical}" is not an integer, or adding ${by} leaves the integer range`);
      }
    }),

    lockToken: method(async (scope, args) => {
      extension(scope, 'lockToken');
      return heldLocks(scope).get(key(scope, args[0]))?.token ?? null;
    }),
  };

  return {
    path: '$cache',
    methods,
    // Enfyra's `$cache` is a proxy: any other name is a method that fails when called.
    fallback: method(async (_scope, args) => {
      throw new Error(`Cache method not found: ${String(args[0])}`);
    }),
    onInvocationEnd: (scope) => settleLeakedLocks(scope, heldLocks(scope), driver, releaseLeakedLocks),
  };
}
