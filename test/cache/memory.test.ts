import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/cache/clock.ts';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { createCacheDriver } from '../../runtime/cache/create-driver.ts';
import { cacheSchema } from '../../runtime/config/schema.ts';
import { cacheConformance } from './conformance.ts';

const clock = new ManualClock();

cacheConformance('memory', {
  prefix: 'memory',
  setup: async () => {
    const driver = createCacheDriver(cacheSchema.parse({ driver: 'memory' }), { clock: clock.now });
    return {
      driver,
      elapse: async (ms) => void clock.advance(ms),
      teardown: () => driver.close(),
    };
  },
});

describe('memory driver: virtual clock', () => {
  it('expires exactly at the TTL as the clock sees it, without sleeping', async () => {
    const time = new ManualClock(1_000);
    const driver = new MemoryCacheDriver({ clock: time.now });
    await driver.set('k', 'v', 100);
    time.advance(99);
    expect(await driver.get('k')).toBe('v');
    expect(await driver.ttl('k')).toBe(1);
    time.advance(1);
    expect(await driver.get('k')).toBeNull();
  });

  it('sweeps expired entries nobody reads again', async () => {
    const time = new ManualClock();
    const driver = new MemoryCacheDriver({ clock: time.now });
    for (let i = 0; i < 500; i++) await driver.set(`old${i}`, 'v', 10);
    time.advance(20);
    for (let i = 0; i < 1000; i++) await driver.set(`new${i}`, 'v', null);
    const entries = (driver as unknown as { entries: Map<string, unknown> }).entries;
    expect(entries.size).toBe(1000);
  });

  it('ManualClock moves only when told', () => {
    const time = new ManualClock(5);
    expect(time.now()).toBe(5);
    expect(time.advance(10)).toBe(15);
    time.set(2);
    expect(time.now()).toBe(2);
    expect(() => time.advance(-1)).toThrow(RangeError);
  });
});
