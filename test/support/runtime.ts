/** Runtimes for tests: a chosen cache driver and a private in-memory copy of the seeded database. */
import path from 'node:path';
import { Runtime } from '../../runtime/runtime.ts';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import type { EnfyraConfigInput } from '../../runtime/config/schema.ts';
import { PROJECT_ROOT } from './cli.ts';

export function testConfig(overrides: Partial<EnfyraConfigInput> = {}): EnfyraConfigInput {
  return {
    ...overrides,
    database: { sqlitePath: ':memory:', schema: 'fixtures/schema.json', seed: 'fixtures/seed.json', ...overrides.database },
    sandbox: { cpuTimeoutMs: 2000, wallTimeoutMs: 20_000, ...overrides.sandbox },
  };
}

export async function testRuntime(driver: CacheDriver, overrides: Partial<EnfyraConfigInput> = {}): Promise<Runtime> {
  return Runtime.create({ config: testConfig(overrides), cacheDriver: driver, cwd: PROJECT_ROOT, env: {} });
}

export const hook = (name: string) => path.join(PROJECT_ROOT, 'hooks', name);
