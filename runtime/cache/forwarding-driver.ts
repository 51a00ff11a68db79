/** A CacheDriver that passes every call to another one; decorators override what they add to. */
import type { CacheDriver, SlidingWindowResult } from './driver.ts';

export abstract class ForwardingCacheDriver implements CacheDriver {
  protected abstract get target(): CacheDriver;

  get kind(): CacheDriver['kind'] {
    return this.target.kind;
  }

  get(key: string): Promise<string | null> {
    return this.target.get(key);
  }

  set(key: string, value: string, ttlMs: number | null): Promise<void> {
    return this.target.set(key, value, ttlMs);
  }

  delete(key: string): Promise<boolean> {
    return this.target.delete(key);
  }

  acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.target.acquire(key, value, ttlMs);
  }

  release(key: string, value: string): Promise<boolean> {
    return this.target.release(key, value);
  }

  incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    return this.target.incr(key, by, ttlMs);
  }

  slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult> {
    return this.target.slidingWindow(key, limit, windowMs);
  }

  nextFencingToken(key: string): Promise<number> {
    return this.target.nextFencingToken(key);
  }

  ttl(key: string): Promise<number | null> {
    return this.target.ttl(key);
  }

  /** The target belongs to someone else, who closes it. */
  async close(): Promise<void> {}
}
