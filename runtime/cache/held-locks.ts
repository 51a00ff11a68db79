/** Per-invocation bookkeeping of the locks a hook acquired, and what happens to those it never released. */
import type { InvocationScope } from '../sandbox/host-module.ts';
import type { CacheDriver } from './driver.ts';
import { CACHE_WARNINGS } from './warnings.ts';

export interface HeldLock {
  /** Key in the store (namespace applied). */
  storedKey: string;
  /** The exact string stored by acquire; releasing compares against it, so it never removes someone else's lock. */
  raw: string;
  /** Fencing token; null until assigned, or when assigning it failed. */
  token: number | null;
}

/** Locks one invocation acquired and has not released, by logical key. */
export type HeldLocks = Map<string, HeldLock>;

export const newHeldLocks = (): HeldLocks => new Map();

/** Warn about every lock still held at the end of an invocation and, if asked, release it by compare-and-delete. */
export async function settleLeakedLocks(
  scope: InvocationScope,
  locks: HeldLocks,
  driver: CacheDriver,
  release: boolean,
): Promise<void> {
  // An interrupted hook never had the chance to release: give its locks back whatever the config says.
  const giveBack = release || scope.interrupted;
  for (const [key, lock] of locks) {
    const what = scope.interrupted
      ? `$cache: the run was interrupted while the hook held lock "${key}"`
      : `$cache: the hook ended while still holding lock "${key}" (acquired, never released)`;
    if (!giveBack) {
      scope.warn(CACHE_WARNINGS.lockLeaked, `${what}; it stays taken until its TTL runs out here, and as long as Enfyra runs in production (its namespace lifecycle renews every key)`);
      continue;
    }
    try {
      const released = await driver.release(lock.storedKey, lock.raw);
      scope.warn(CACHE_WARNINGS.lockLeaked, released ? `${what}; released it` : `${what}; it had already expired or been replaced, left as is`);
    } catch (err) {
      scope.warn(CACHE_WARNINGS.lockLeaked, `${what}; could not release it: ${(err as Error).message}`);
    }
  }
  locks.clear();
}
