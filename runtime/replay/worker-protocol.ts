/** Messages between the replay parent process and its worker processes (worker-main.ts). */
import type { ResolvedConfig } from '../config/load.ts';
import type { FixtureResult } from './result.ts';
import type { CoverageData } from '../debug/coverage.ts';

export interface WorkerInit {
  type: 'init';
  config: ResolvedConfig;
  cwd: string;
  real: boolean;
  update: boolean;
  strict: boolean;
  runId: string;
  /** Collect hook coverage (`--coverage`) and send it before closing. */
  coverage?: boolean;
}

export type ParentMessage = WorkerInit | { type: 'run'; file: string; slot: number } | { type: 'close' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; slot: number; result: FixtureResult }
  | { type: 'coverage'; data: CoverageData }
  | { type: 'fatal'; message: string };
