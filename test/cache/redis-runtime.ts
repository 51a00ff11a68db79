/**
 * Shared by the Redis fault tests that go through the full runtime: a Runtime
 * whose cache comes from config (as the CLI builds it), the hooks under
 * test/cache/hooks, and what the cache-loop hook reports.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Runtime } from '../../runtime/runtime.ts';
import type { EnfyraConfigInput } from '../../runtime/config/schema.ts';
import type { Envelope } from '../../runtime/context/envelope.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { testConfig } from '../support/runtime.ts';

export const HOOKS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hooks');
export const hookPath = (name: string): string => path.join(HOOKS, name);

/** The command timeout the fault tests configure, and how far past it a failing call may run. */
export const COMMAND_TIMEOUT_MS = 1000;
/**
 * "Fails fast": ends about at the command timeout instead of hanging until the invocation's wall-clock limit
 * (or retrying for many seconds). Generous, so that a machine loaded by other work still passes.
 */
export const FAIL_FAST_MS = COMMAND_TIMEOUT_MS + 3000;

type CacheInput = NonNullable<EnfyraConfigInput['cache']>;

/** A runtime built from config alone (its cache driver is the one the config names), long wall-clock limit. */
export function runtimeWithCache(cache: CacheInput, wallTimeoutMs = 60_000): Promise<Runtime> {
  return Runtime.create({
    config: testConfig({ cache, sandbox: { cpuTimeoutMs: 5000, wallTimeoutMs } }),
    cwd: PROJECT_ROOT,
    env: {},
  });
}

export interface LoopCall {
  op: 'set' | 'get';
  /** ms after the hook began. */
  at: number;
  /** When the call started, epoch ms (the isolate's clock is the host's). */
  epoch: number;
  ms: number;
  ok: boolean;
  value?: unknown;
  status?: number | null;
  name?: string;
  message?: string;
}

export interface LoopParams {
  durationMs: number;
  key?: string;
  pauseMs?: number;
  stopAfterRecovery?: number;
}

/** Run cache-loop.js and return its calls (the envelope must be a 200). */
export async function runLoop(runtime: Runtime, params: LoopParams): Promise<{ calls: LoopCall[]; startedAt: number }> {
  const startedAt = Date.now();
  const envelope: Envelope = await runtime.run(hookPath('cache-loop.js'), { params: params as unknown as Record<string, string> });
  expect(envelope.error).toBeNull();
  return { calls: envelope.data as LoopCall[], startedAt };
}

/**
 * The shape every fault test expects of a loop that lived through an outage:
 * successes, then failures, then successes again; every failure a 503 that
 * came within the fail-fast bound; no call (failed or not) slower than it;
 * every successful get after a successful set read that set's value.
 */
export function expectOutageThenRecovery(calls: LoopCall[], options: { minFailures?: number; failover?: boolean } = {}): void {
  const firstFailure = calls.findIndex((c) => !c.ok);
  expect(firstFailure, 'some call failed during the outage').toBeGreaterThan(0);
  const lastFailure = calls.findLastIndex((c) => !c.ok);
  expect(lastFailure, 'calls succeeded again after the outage').toBeLessThan(calls.length - 1);
  expect(calls.slice(0, firstFailure).every((c) => c.ok)).toBe(true);
  const failures = calls.filter((c) => !c.ok);
  expect(failures.length).toBeGreaterThanOrEqual(options.minFailures ?? 1);
  for (const failure of failures) {
    expect(failure, JSON.stringify(failure)).toMatchObject({ status: 503, name: 'ServiceUnavailableException' });
    expect(failure.message).toMatch(/^cache unavailable \(redis\): /);
  }
  const slowest = calls.reduce((max, c) => (c.ms > max.ms ? c : max), calls[0]!);
  expect(slowest.ms, `slowest call ${JSON.stringify(slowest)}`).toBeLessThan(FAIL_FAST_MS);
  // With a failover, the last writes a dying master acknowledged may not have reached its replica
  // (Redis replicates asynchronously; docs/redis.md, "What a Redis lock guarantees"): only reads after
  // the outage are held to the value written just before them.
  const checkedFrom = options.failover ? lastFailure + 1 : 1;
  for (let i = Math.max(1, checkedFrom); i < calls.length; i++) {
    const [prev, call] = [calls[i - 1]!, calls[i]!];
    if (call.op === 'get' && call.ok && prev.op === 'set' && prev.ok) expect(call.value).toBe(prev.value);
  }
  expect(calls.at(-1)!.ok).toBe(true);
}

/** When (ms after the hook began) the first successful call after the last failure started. */
export function recoveredAfter(calls: LoopCall[]): number {
  const lastFailure = calls.findLastIndex((c) => !c.ok);
  return calls[lastFailure + 1]!.at;
}
