/**
 * Worker processes, for multi-core machines: isolates are driven from their
 * process's main thread, so one process uses one core. A worker takes files
 * from the shared queue once it has started, up to `concurrency` at a time;
 * until then (and alongside) the main process keeps replaying, so starting
 * workers never delays a run. A worker that dies stops taking files; the ones
 * it was running are reported as failed.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FixtureResult } from './result.ts';
import type { CoverageData } from '../debug/coverage.ts';
import { drain, type OrderedQueue } from './work-queue.ts';
import type { ParentMessage, WorkerInit, WorkerMessage } from './worker-protocol.ts';

// worker-main.ts beside this file when run from source, worker-main.js when built.
const WORKER_FILE = fileURLToPath(new URL(`./worker-main${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Worker processes need the compiled worker next to this module (not there when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

export interface WorkerLane {
  init: Omit<WorkerInit, 'type'>;
  queue: OrderedQueue<string, FixtureResult>;
  concurrency: number;
  /** The result for a file the worker was running when it died. */
  crashed: (file: string, why: string) => FixtureResult;
  /** The worker's hook coverage, sent as it closes (init.coverage). */
  onCoverage?: (data: CoverageData) => void;
  /** Told once when the worker dies before the queue is empty. */
  onFailure?: (why: string) => void;
  /** Aborted: the worker is told to stop (SIGTERM: it interrupts what it runs and closes its connections). */
  signal?: AbortSignal;
}

export interface RunningWorker {
  /** Settles when the process has exited. */
  done: Promise<void>;
  /** Ends a worker that is still starting (the others have finished the queue without it). */
  stopIfStarting(): void;
}

export function runWorker({ init, queue, concurrency, crashed, onFailure, onCoverage, signal }: WorkerLane): RunningWorker {
  let stopIfStarting = () => {};
  const done = new Promise<void>((resolve) => {
    const child = fork(WORKER_FILE, [], {
      // isolated-vm on Node 20 needs --no-node-snapshot; the rest of the parent's flags carry over (fork's default).
      execArgv: process.execArgv.includes('--no-node-snapshot') ? process.execArgv : [...process.execArgv, '--no-node-snapshot'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const pending = new Map<number, { file: string; done: (result: FixtureResult) => void }>();
    signal?.addEventListener(
      'abort',
      () => {
        closing = true;
        child.kill('SIGTERM');
      },
      { once: true },
    );
    let failure: string | null = null;
    let closing = false;
    let ready = false;
    stopIfStarting = () => {
      if (ready || closing) return;
      closing = true;
      child.kill();
    };
    const post = (message: ParentMessage) => {
      if (child.connected) child.send(message);
    };
    const fail = (why: string) => {
      if (failure === null && !closing) onFailure?.(why);
      failure ??= why;
      for (const { file, done } of pending.values()) done(crashed(file, `worker process failed: ${why}`));
      pending.clear();
    };
    const task = (file: string, slot: number) =>
      new Promise<FixtureResult | null>((done) => {
        if (failure) return done(null);
        pending.set(slot, { file, done });
        post({ type: 'run', file, slot });
      });

    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        ready = true;
        void drain(queue, concurrency, task, signal).finally(() => {
          closing = true;
          post({ type: 'close' });
        });
      } else if (message.type === 'result') {
        pending.get(message.slot)?.done(message.result);
        pending.delete(message.slot);
      } else if (message.type === 'coverage') {
        onCoverage?.(message.data);
      } else {
        fail(message.message);
      }
    });
    child.on('error', (err) => fail(err.message));
    child.on('exit', (code, signal) => {
      fail(signal ?? `exit code ${code}`);
      resolve();
    });
    post({ type: 'init', ...init });
  });
  return { done, stopIfStarting: () => stopIfStarting() };
}
