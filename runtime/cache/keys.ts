/**
 * Where `$cache` keys live in the store: Enfyra's layout, so a hook run here
 * and Enfyra share keys on one Redis (user-cache.service.ts, decorateKey):
 *   data   <namespace>:user_cache:<key>
 *   LRU    <namespace>:user_cache_meta:lru | :sizes | :total_bytes
 * The namespace is NODE_NAME (or `cache.namespace`), 'enfyra' by default.
 */

/** The prefix of every `$cache` data key of a namespace. */
export function userCachePrefix(namespace: string): string {
  return `${namespace}:user_cache:`;
}

/**
 * The stored key of a script key. As in Enfyra, a key that already carries
 * the namespace's prefix is used as it is, so `get('enfyra:user_cache:a')`
 * and `get('a')` read the same entry.
 */
export function namespacedKey(namespace: string, key: string): string {
  const prefix = userCachePrefix(namespace);
  return key.startsWith(prefix) ? key : prefix + key;
}

/** Enfyra's LRU bookkeeping keys of a namespace (a sorted set, a hash and a counter). */
export interface LruKeys {
  /** Sorted set: data key → last use (epoch ms). */
  readonly lru: string;
  /** Hash: data key → size in bytes of its stored value. */
  readonly sizes: string;
  /** Integer: the sum of the sizes. */
  readonly total: string;
}

export function lruKeys(namespace: string): LruKeys {
  const meta = `${namespace}:user_cache_meta:`;
  return { lru: `${meta}lru`, sizes: `${meta}sizes`, total: `${meta}total_bytes` };
}

/**
 * The namespace's fencing-token counter (enfyra-run's `lockToken`; Enfyra has
 * none). Outside `user_cache:`, so no script key can name it. One counter per
 * namespace (not per lock key) keeps the store from growing with every lock
 * name ever used; a namespace-wide monotonic counter is monotonic per lock too.
 */
export function fenceCounterKey(namespace: string): string {
  return `${namespace}:enfyra_run:fence`;
}
