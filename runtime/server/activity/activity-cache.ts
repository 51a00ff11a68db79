/**
 * A cache driver decorator that notes, per request (see request-activity.ts),
 * each key a script writes — and, when recording, reads — with its value
 * before the first touch; `settle` reads the values the request left. Keys
 * outside the script namespace (rate-limit windows, fencing counters) are not
 * script data and are left out.
 */
import { decode } from '../../cache/codec.ts';
import type { CacheDriver } from '../../cache/driver.ts';
import { ForwardingCacheDriver } from '../../cache/forwarding-driver.ts';
import { activityStore, type CacheState, type CacheTouch, type RequestActivity } from './request-activity.ts';

export class ActivityCacheDriver extends ForwardingCacheDriver {
  private readonly inner: CacheDriver;
  /** What the runtime puts before a logical key (`namespacedKey(namespace, '')`). */
  private readonly prefix: string;
  private readonly captures = new WeakMap<RequestActivity, Map<string, Promise<CacheTouch>>>();

  constructor(inner: CacheDriver, prefix: string) {
    super();
    this.inner = inner;
    this.prefix = prefix;
  }

  protected get target(): CacheDriver {
    return this.inner;
  }

  override async get(key: string): Promise<string | null> {
    await this.touch(key, false);
    return super.get(key);
  }

  override async ttl(key: string): Promise<number | null> {
    await this.touch(key, false);
    return super.ttl(key);
  }

  override async set(key: string, value: string, ttlMs: number | null): Promise<void> {
    await this.touch(key, true);
    return super.set(key, value, ttlMs);
  }

  override async delete(key: string): Promise<boolean> {
    await this.touch(key, true);
    return super.delete(key);
  }

  override async acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    await this.touch(key, true);
    return super.acquire(key, value, ttlMs);
  }

  override async release(key: string, value: string): Promise<boolean> {
    await this.touch(key, true);
    return super.release(key, value);
  }

  override async incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    await this.touch(key, true);
    return super.incr(key, by, ttlMs);
  }

  /** Reads what the request left in every key it wrote. */
  async settle(activity: RequestActivity): Promise<void> {
    await activity.settled();
    for (const touch of activity.cacheChanges) touch.after = await this.state(this.prefix + touch.key);
  }

  private async touch(key: string, write: boolean): Promise<void> {
    const activity = activityStore.getStore();
    if (!activity || !key.startsWith(this.prefix) || key.length === this.prefix.length) return;
    if (!write && !activity.trackReads) return;
    const logical = key.slice(this.prefix.length);
    let captures = this.captures.get(activity);
    if (!captures) this.captures.set(activity, (captures = new Map()));
    let capture = captures.get(logical);
    if (!capture) {
      capture = activity.track(
        this.state(key).then((before) => {
          const touch: CacheTouch = { key: logical, before, written: false };
          activity.cache.set(logical, touch);
          return touch;
        }),
      );
      captures.set(logical, capture);
    }
    const touch = await capture.catch(() => null);
    if (touch && write) touch.written = true;
  }

  private async state(key: string): Promise<CacheState | null> {
    const raw = await this.inner.get(key);
    if (raw === null) return null;
    const ttl = await this.inner.ttl(key);
    return { value: decode(raw), ttlMs: ttl === null || ttl < 0 ? null : ttl };
  }
}
