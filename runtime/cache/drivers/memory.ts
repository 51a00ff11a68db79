/** In-process driver for tests and replay. Time comes from the injected clock, so expiry can be tested without sleeping. */
import type { CacheDriver, SlidingWindowResult } from '../driver.ts';
import { systemClock, type Clock } from '../clock.ts';
import { addToStoredInteger } from './integer.ts';

interface Entry {
  value: string;
  /** Epoch ms; Infinity when the entry never expires. Alive while expiresAt > now. */
  expiresAt: number;
}

interface Window {
  /** Hit times, oldest first. */
  hits: number[];
  expiresAt: number;
}

export interface MemoryDriverOptions {
  clock?: Clock;
}

export class MemoryCacheDriver implements CacheDriver {
  readonly kind = 'memory';
  private readonly now: Clock;
  private readonly entries = new Map<string, Entry>();
  private readonly windows = new Map<string, Window>();
  private readonly fences = new Map<string, number>();
  private writesSinceSweep = 0;

  constructor(options: MemoryDriverOptions = {}) {
    this.now = options.clock ?? systemClock;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number | null): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    return existed;
  }

  async acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async release(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    const entry = this.live(key);
    const next = addToStoredInteger(entry?.value ?? null, by);
    if (entry) entry.value = String(next);
    else this.write(key, String(next), ttlMs);
    return next;
  }

  async slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window) {
      window = { hits: [], expiresAt: 0 };
      this.windows.set(key, window);
    }
    const { hits } = window;
    let drop = 0;
    while (drop < hits.length && hits[drop]! <= now - windowMs) drop++;
    if (drop > 0) hits.splice(0, drop);
    const allowed = hits.length < limit;
    if (allowed) hits.push(now);
    if (hits.length === 0) this.windows.delete(key);
    else window.expiresAt = now + windowMs;
    this.noteWrite();
    return { allowed, count: hits.length, oldestExpiresAt: hits.length ? hits[0]! + windowMs : now, now };
  }

  async nextFencingToken(key: string): Promise<number> {
    const next = (this.fences.get(key) ?? 0) + 1;
    this.fences.set(key, next);
    return next;
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.live(key);
    if (!entry) return -1;
    return entry.expiresAt === Infinity ? null : entry.expiresAt - this.now();
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.windows.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, ttlMs: number | null): void {
    this.entries.set(key, { value, expiresAt: ttlMs === null ? Infinity : this.now() + ttlMs });
    this.noteWrite();
  }

  /** Expired entries nobody reads again are swept after as many writes as there are entries: amortized O(1). */
  private noteWrite(): void {
    if (++this.writesSinceSweep < Math.max(1000, this.entries.size + this.windows.size)) return;
    this.writesSinceSweep = 0;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, window] of this.windows) if (window.expiresAt <= now) this.windows.delete(key);
  }
}
