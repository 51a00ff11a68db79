/**
 * Remembers the locks scripts hold through this process ($cache.acquire that
 * succeeded and was not released), so a dev server that stops can release
 * them by compare-and-delete: a lock that expired and was taken by someone
 * else since is never removed.
 */
import type { CacheDriver } from '../../cache/driver.ts';
import { ForwardingCacheDriver } from '../../cache/forwarding-driver.ts';

export class LockLedgerDriver extends ForwardingCacheDriver {
  private readonly inner: CacheDriver;
  /** Stored key → the exact value stored by acquire. */
  private readonly held = new Map<string, string>();

  constructor(inner: CacheDriver) {
    super();
    this.inner = inner;
  }

  protected get target(): CacheDriver {
    return this.inner;
  }

  override async acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    const taken = await super.acquire(key, value, ttlMs);
    if (taken) this.held.set(key, value);
    return taken;
  }

  override async release(key: string, value: string): Promise<boolean> {
    const released = await super.release(key, value);
    if (this.held.get(key) === value) this.held.delete(key);
    return released;
  }

  override async set(key: string, value: string, ttlMs: number | null): Promise<void> {
    this.held.delete(key);
    return super.set(key, value, ttlMs);
  }

  override async delete(key: string): Promise<boolean> {
    this.held.delete(key);
    return super.delete(key);
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Releases every lock still held; returns how many were still ours to release. */
  async releaseAll(): Promise<number> {
    let released = 0;
    for (const [key, value] of [...this.held]) {
      this.held.delete(key);
      if (await this.inner.release(key, value).catch(() => false)) released++;
    }
    return released;
  }
}
