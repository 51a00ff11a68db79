/** Paths, the built runtime and the configuration every in-process row shares. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EnfyraConfigInput, Runtime } from '../../../runtime/index.ts';
import { BUILT_RUNTIME, importBuilt, ROOT, type BuiltModule, type BuiltModules } from '../../lib/built.ts';
import { redisUrl } from './redis.ts';

export { ROOT };
export const BENCH_DIR = path.join(ROOT, 'scripts', 'bench');
export const BIN = path.join(ROOT, 'bin', 'enfyra-run.js');
/** The built runtime; ENFYRA_BENCH_DIST=<folder with index.js> measures another build (A/B runs of a change). */
export const DIST_DIR = process.env.ENFYRA_BENCH_DIST ? path.resolve(process.env.ENFYRA_BENCH_DIST) : BUILT_RUNTIME;
/** A module of the runtime under measurement (DIST_DIR). */
export const fromDist = <F extends BuiltModule>(file: F): Promise<BuiltModules[F]> => importBuilt(file, DIST_DIR);

/** A namespace no real data lives under; the bench deletes its keys at the end. */
export const NAMESPACE = `enfyra-bench-${process.pid}`;

const scratch: string[] = [];
export function scratchDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `enfyra-bench-${label}-`));
  scratch.push(dir);
  return dir;
}
export function removeScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runtime config for the in-process rows: Redis cache, SQLite database in a scratch folder (never the user's .enfyra/). */
export function benchConfig(overrides: EnfyraConfigInput = {}): EnfyraConfigInput {
  const db = scratchDir('db');
  return {
    cache: { driver: 'redis', namespace: NAMESPACE, redis: { url: redisUrl() } },
    database: { client: 'sqlite', sqlitePath: path.join(db, 'data.sqlite') },
    ...overrides,
  };
}

export async function createBenchRuntime(overrides?: EnfyraConfigInput): Promise<Runtime> {
  const { Runtime } = await fromDist('index.js');
  return Runtime.create({ cwd: ROOT, config: benchConfig(overrides), env: {} });
}

export function benchHook(name: string): string {
  return path.join(BENCH_DIR, 'hooks', name);
}
