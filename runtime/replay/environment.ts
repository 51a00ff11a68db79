/**
 * Where one fixture file runs: a runtime plus direct access to the cache and
 * database behind it (to set up starting state and read end state) and a way
 * to move time.
 */
import type { Runtime, RuntimeOptions } from '../runtime.ts';
import type { CacheDriver } from '../cache/driver.ts';
import type { Database } from '../repos/database.ts';
import type { Fixture } from './model.ts';

export interface CacheAccess {
  readonly driver: CacheDriver;
  /** Prefix the runtime applies to logical keys (`namespacedKey`). */
  readonly namespace: string;
}

export interface ReplayEnvironment {
  readonly runtime: Runtime;
  readonly cache: CacheAccess;
  readonly database: Database;
  /** Let `ms` of time pass for the cache (expiries), instantly. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface EnvironmentFactory {
  /** A fresh environment for one fixture file; `slot` is unique within the run. */
  open(fixture: Fixture, slot: number): Promise<ReplayEnvironment>;
  close(): Promise<void>;
}

