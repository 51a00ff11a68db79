/** Messages between the replay parent process and its worker processes (worker-main.ts). */
import type { ResolvedConfig } from '../config/load.ts';
import type { FixtureResult } from './result.ts';

export interface WorkerInit {
  type: 'init';
  config: ResolvedConfig;
  cwd: string;
  real: boolean;
  update: boolean;
  strict: boolean;
  runId: string;
}

export type ParentMessage = WorkerInit | { type: 'run'; file: string; slot: number } | { type: 'close' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; slot: number; result: FixtureResult }
  | { type: 'fatal'; message: string };
