import { ManualClock, type Clock } from '../../runtime/cache/clock.ts';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { SqliteCacheDriver } from '../../runtime/cache/drivers/sqlite.ts';
import { describeRateLimit, type RateLimitFixture } from './rate-limit.suite.ts';

function withManualClock(create: (clock: Clock) => CacheDriver): () => Promise<RateLimitFixture> {
  return async () => {
    const clock = new ManualClock();
    const driver = create(clock.now);
    return { driver, clock: clock.now, advance: async (ms) => void clock.advance(ms), close: () => driver.close() };
  };
}

describeRateLimit('memory', withManualClock((clock) => new MemoryCacheDriver({ clock })));
describeRateLimit('sqlite', withManualClock((clock) => new SqliteCacheDriver({ path: ':memory:', clock })));
