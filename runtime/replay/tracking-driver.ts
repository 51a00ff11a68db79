/**
 * A CacheDriver decorator for --real runs against a shared store: remembers
 * every key written through it so a fixture can clean up after itself, and
 * moves time forward by shortening the remaining TTLs of those keys (a real
 * Redis clock cannot be advanced).
 */
import type { CacheDriver, SlidingWindowResult } from '../cache/driver.ts';
import { ForwardingCacheDriver } from '../cache/forwarding-driver.ts';

type Written = { kind: 'value' } | { kind: 'window'; windowMs: number } | { kind: 'counter' };

export class TrackingCacheDriver extends ForwardingCacheDriver {
  private readonly written = new Map<string, Written>();

  private readonly inner: CacheDriver;

  constructor(inner: CacheDriver) {
    super();
    this.inner = inner;
  }

  protected get target(): CacheDriver {
    return this.inner;
  }

  override set(key: string, value: string, ttlMs: number | null): Promise<void> {
    this.written.set(key, { kind: 'value' });
    return super.set(key, value, ttlMs);
  }

  override acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.written.set(key, { kind: 'value' });
    return super.acquire(key, value, ttlMs);
  }

  override incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    this.written.set(key, { kind: 'value' });
    return super.incr(key, by, ttlMs);
  }

  override slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult> {
    this.written.set(key, { kind: 'window', windowMs });
    return super.slidingWindow(key, limit, windowMs);
  }

  override nextFencingToken(key: string): Promise<number> {
    this.written.set(key, { kind: 'counter' });
    return super.nextFencingToken(key);
  }

  /**
   * As if `ms` had passed: values whose TTL runs out are deleted, the others
   * keep `ttl - ms`; a sliding window is cleared once `ms` covers its length
   * (a shorter step leaves it as it is). Counters never expire.
   */
  async advance(ms: number): Promise<void> {
    for (const [key, written] of this.written) {
      if (written.kind === 'window') {
        if (ms >= written.windowMs) await this.inner.delete(key);
      } else if (written.kind === 'value') {
        const ttl = await this.inner.ttl(key);
        if (ttl === null || ttl < 0) continue;
        if (ttl <= ms) {
          await this.inner.delete(key);
        } else {
          const value = await this.inner.get(key);
          if (value !== null) await this.inner.set(key, value, ttl - ms);
        }
      }
    }
  }

  /** Deletes every key written through this driver. The inner driver stays open. */
  async cleanup(): Promise<void> {
    for (const key of this.written.keys()) await this.inner.delete(key);
    this.written.clear();
  }
}
