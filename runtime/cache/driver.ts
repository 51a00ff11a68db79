/**
 * The storage layer under `$ctx.$cache`. Drivers see fully-qualified keys
 * (namespace already applied) and already-encoded string values; validation,
 * encoding and lock bookkeeping live above them in the cache service, so every
 * driver stays a thin, testable mapping onto its store.
 *
 * Every method is a single atomic operation on its store.
 */
import { HttpError } from '../shared/http-errors.ts';

export type { Clock } from './clock.ts';

export interface SlidingWindowResult {
  /** Whether this hit was counted (under the limit). */
  allowed: boolean;
  /** Hits inside the window after this call. */
  count: number;
  /** Epoch ms at which the oldest hit in the window leaves it (now if the window is empty). */
  oldestExpiresAt: number;
  /** Epoch ms the store counted this call at (Redis: server time), to compare `oldestExpiresAt` with. */
  now: number;
}

export interface CacheDriver {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /** Raw stored string, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Store; `ttlMs === null` means no expiry (and clears an earlier one). */
  set(key: string, value: string, ttlMs: number | null): Promise<void>;
  /** Remove; no error when absent. Returns whether a key was removed. */
  delete(key: string): Promise<boolean>;
  /** Set-if-absent with expiry. True when this call stored the value. */
  acquire(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Compare-and-delete: removes the key only if its stored string is exactly
   * `value` (byte equality; structural equality is layered above).
   */
  release(key: string, value: string): Promise<boolean>;
  /**
   * Atomic integer add. A missing key starts at 0. `ttlMs` sets the expiry
   * only when the key is created by this call (a fixed window); null leaves
   * expiry as it is. Rejects with `NotAnIntegerError` if the stored value is
   * not an integer or the result would leave the integer range.
   */
  incr(key: string, by: number, ttlMs: number | null): Promise<number>;
  /**
   * Sliding-window hit counter for rate limiting: drop hits older than
   * `windowMs`, then count this hit if fewer than `limit` remain. Atomic.
   * A hit at time t is inside the window while now - t < windowMs, so
   * `limit` 0 only prunes and reports, and `windowMs` 0 clears every hit.
   */
  slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult>;
  /**
   * Monotonic counter per key that never expires, for lock fencing tokens.
   * Counters live apart from the values (or, on Redis, under a key no script can name).
   */
  nextFencingToken(key: string): Promise<number>;
  /** Remaining time to live in ms; null when the key has no expiry; -1 when absent. */
  ttl(key: string): Promise<number | null>;
  close(): Promise<void>;
}

/** Raised by drivers whose backing store cannot be reached; surfaces as a 503-class error. */
export class CacheUnavailableError extends HttpError {
  constructor(message: string) {
    super(503, message);
  }
}

/** The stored value is not an integer (or the increment would overflow). */
export class NotAnIntegerError extends Error {
  override readonly name = 'NotAnIntegerError';
}
