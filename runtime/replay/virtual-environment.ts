/**
 * The default, deterministic environment: per fixture file a fresh memory
 * cache on a virtual clock and a private in-memory copy of the seeded SQLite
 * database (the seed is built once per run and copied, which is cheap).
 * Runtimes are reused: one serves one fixture at a time, pointed at that
 * fixture's cache, database and clock (switchable.ts), so its isolates stay
 * warm across fixtures.
 */
import type { ResolvedConfig } from '../config/load.ts';
import { Runtime } from '../runtime.ts';
import { ManualClock } from '../cache/clock.ts';
import { createCacheDriver } from '../cache/create-driver.ts';
import type { Fixtures } from '../repos/fixtures.ts';
import { createSqliteTemplate } from '../repos/sqlite-image.ts';
import { type EnvironmentFactory, type ReplayEnvironment } from './environment.ts';
import type { Fixture } from './model.ts';
import { Switchable } from './switchable.ts';

interface Lane {
  runtime: Runtime;
  switchable: Switchable;
}

/** `seed`: the schema and seed rows (loaded once by the caller). */
export async function createVirtualEnvironments(config: ResolvedConfig, seed: Fixtures): Promise<EnvironmentFactory> {
  const template = await createSqliteTemplate(seed, { tablePrefix: config.database.tablePrefix });
  const idle: Lane[] = [];
  const all: Lane[] = [];

  const newLane = async (): Promise<Lane> => {
    const switchable = new Switchable();
    const runtime = await Runtime.create({
      config,
      cwd: config.root,
      env: {},
      cacheDriver: switchable.driver,
      clock: switchable.clock,
      database: switchable.database,
    });
    const lane = { runtime, switchable };
    all.push(lane);
    return lane;
  };

  return {
    async open(fixture: Fixture): Promise<ReplayEnvironment> {
      const lane = idle.pop() ?? (await newLane());
      const clock = new ManualClock(fixture.startTime);
      const driver = createCacheDriver({ ...config.cache, driver: 'memory' }, { clock: clock.now });
      const database = template.open();
      lane.switchable.bind({ driver, database, clock: clock.now });
      return {
        runtime: lane.runtime,
        cache: { driver, namespace: config.cache.namespace },
        database,
        advance: async (ms) => void clock.advance(ms),
        async close() {
          lane.switchable.unbind();
          idle.push(lane);
          await Promise.all([driver.close(), database.close()]);
        },
      };
    },
    async close() {
      await Promise.all(all.splice(0).map((lane) => lane.runtime.close()));
    },
  };
}
