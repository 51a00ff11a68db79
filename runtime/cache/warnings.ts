/**
 * The `$cache` traps: behaviour enfyra-run matches because Enfyra has it, but
 * that surprises a script author (DESIGN §2). Each is reported once per
 * invocation and message; the sandbox adds the script line of the call.
 * Every code the cache emits is here.
 */
export { warnOnce } from '../shared/diagnostics.ts';

export const CACHE_WARNINGS = {
  /** set/acquire/incr without a positive TTL: the lifecycle TTL applies. */
  setWithoutTtl: 'cache.set-without-ttl',
  /** setNoExpire expires (lifecycle TTL). */
  setNoExpire: 'cache.set-no-expire',
  /** A positive TTL that Enfyra's namespace lifecycle keeps renewing. */
  ttlRenewed: 'cache.ttl-renewed',
  /** A string that parses as JSON reads back parsed. */
  stringReadsBackAsJson: 'cache.string-reads-back-as-json',
  /** `undefined` crosses as null. */
  undefinedStoredAsNull: 'cache.undefined-stored-as-null',
  /** A key that is not a non-empty string. */
  keyNotString: 'cache.key-not-string',
  /** exists(key) without a value. */
  existsWithoutValue: 'cache.exists-without-value',
  /** exists/release compared JSON text: same keys in another order are not equal. */
  keyOrder: 'cache.key-order',
  /** release swallowed an error and said false. */
  releaseFailed: 'cache.release-failed',
  /** enfyra-run's own methods (incr, lockToken). */
  extension: 'cache.extension',
  /** The invocation ended holding a lock it acquired. */
  lockLeaked: 'cache.lock-leaked',
} as const;

export function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** What a value read back from `$cache.get` is, for messages. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a different string';
  return `a ${typeof value}`;
}
