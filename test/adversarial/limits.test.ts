/**
 * Every sandbox limit is on by default, configurable, and enforced: each is
 * checked on both sides of its value with the same hook.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { sandboxSchema } from '../../runtime/config/schema.ts';
import type { SandboxConfig } from '../../runtime/config/schema.ts';
import { adversarialSandbox, expectData, expectError, cpuTimeout, wallTimeout, memoryLimit } from './support.ts';

const opened: Array<ReturnType<typeof adversarialSandbox>> = [];
function withLimits(limits: Partial<SandboxConfig>) {
  const s = adversarialSandbox(limits);
  opened.push(s);
  return s;
}
afterAll(() => opened.forEach((s) => s.sandbox.close()));

describe('defaults', () => {
  it('every limit is on by default', () => {
    expect(sandboxSchema.parse({})).toStrictEqual({
      memoryLimitMb: 128,
      cpuTimeoutMs: 1000,
      wallTimeoutMs: 30_000,
      maxIsolates: 16,
      invocationsPerIsolate: 10_000,
      maxLogs: 1000,
      maxLogLineChars: 10_000,
      maxResultBytes: 10 * 1024 * 1024,
      maxPendingHostCalls: 1000,
    });
  });

  it('limits cannot be switched off or mistyped', () => {
    for (const bad of [
      { memoryLimitMb: 4 },
      { memoryLimitMb: 0 },
      { cpuTimeoutMs: 0 },
      { cpuTimeoutMs: 700_000 },
      { wallTimeoutMs: -1 },
      { maxLogs: 0 },
      { maxResultBytes: 1.5 },
      { maxPendingHostCalls: null },
      { maxIsolates: 0 },
      { cpuTimeout: 5 },
    ]) {
      expect(sandboxSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('the default limits hold a runaway hook', async () => {
    const { run } = withLimits(sandboxSchema.parse({}));
    expectError(await run(`for (;;) {}`), cpuTimeout(1000));
    // Filling 128 MB costs V8 about a second of CPU (garbage collection near the limit), so with the default
    // budgets either limit may be the one that stops it; what matters is that one does, with its own error.
    const hog = await run(`const a = []; for (;;) a.push(new Array(1e5).fill(1.5))`);
    expect(hog.data).toBeNull();
    expect(['MemoryLimitError', 'TimeoutError']).toContain(hog.error?.name);
  });
});

describe('each limit, on both sides of its value', () => {
  it('memoryLimitMb', async () => {
    const hook = `const a = []; for (let i = 0; i < 40; i++) a.push(new Array(1e5).fill(i + 0.5)); return a.length`;
    expectError(await withLimits({ memoryLimitMb: 16, cpuTimeoutMs: 10_000 }).run(hook), memoryLimit(16));
    expectData(await withLimits({ memoryLimitMb: 128, cpuTimeoutMs: 10_000 }).run(hook), 40);
  });

  it('cpuTimeoutMs', async () => {
    const hook = `const end = Date.now() + 250; while (Date.now() < end) {} return 'spun'`;
    const low = await withLimits({ cpuTimeoutMs: 100 }).run(hook);
    expectError(low, cpuTimeout(100));
    expect(low.durationMs).toBeLessThan(1000);
    expectData(await withLimits({ cpuTimeoutMs: 1000 }).run(hook), 'spun');
  });

  it('wallTimeoutMs', async () => {
    const hook = `return await $ctx.$test.delay(400, 'late')`;
    const low = await withLimits({ wallTimeoutMs: 150 }).run(hook);
    expectError(low, wallTimeout(150));
    expect(low.durationMs).toBeLessThan(400);
    expectData(await withLimits({ wallTimeoutMs: 2000 }).run(hook), 'late');
  });

  it('wallTimeoutMs below cpuTimeoutMs stops a busy hook at the wall limit', async () => {
    const r = await withLimits({ wallTimeoutMs: 200, cpuTimeoutMs: 5000 }).run(`for (;;) {}`);
    expectError(r, wallTimeout(200));
    expect(r.durationMs).toBeLessThan(1000);
  });

  it('maxLogs', async () => {
    const hook = `for (let i = 0; i < 8; i++) $ctx.$logs(i); return 1`;
    const low = await withLimits({ maxLogs: 5 }).run(hook);
    expect(low.logs).toStrictEqual(['0', '1', '2', '3', '4', '[enfyra-run] warning: 3 log line(s) dropped (sandbox.maxLogs = 5)']);
    expect((await withLimits({ maxLogs: 8 }).run(hook)).logs).toStrictEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  it('maxLogLineChars', async () => {
    const hook = `$ctx.$logs('abcdefghijklmnop'); return 1`;
    expect((await withLimits({ maxLogLineChars: 10 }).run(hook)).logs).toStrictEqual(['abcdefghij… (cut)']);
    expect((await withLimits({ maxLogLineChars: 16 }).run(hook)).logs).toStrictEqual(['abcdefghijklmnop']);
  });

  it('maxResultBytes', async () => {
    const hook = `return 'r'.repeat(3000)`;
    expectError(await withLimits({ maxResultBytes: 2000 }).run(hook), { name: 'RangeError', message: 'result is larger than sandbox.maxResultBytes (2000 bytes)' });
    expectData(await withLimits({ maxResultBytes: 4000 }).run(hook), 'r'.repeat(3000));
  });

  it('maxPendingHostCalls', async () => {
    const hook = `const r = await Promise.allSettled([1, 2, 3, 4].map((i) => $ctx.$test.echo(i))); return r.map((x) => x.status === 'fulfilled' ? x.value : x.reason.message)`;
    expectData(await withLimits({ maxPendingHostCalls: 3 }).run(hook), [
      1,
      2,
      3,
      'too many host calls in flight (limit 3): await them before starting more',
    ]);
    expectData(await withLimits({ maxPendingHostCalls: 4 }).run(hook), [1, 2, 3, 4]);
  });

  it('maxPendingHostCalls counts calls in flight, not calls made', async () => {
    const r = await withLimits({ maxPendingHostCalls: 2 }).run(`let n = 0; for (let i = 0; i < 50; i++) n += await $ctx.$test.echo(1); return n`);
    expectData(r, 50);
  });

  it('maxIsolates', async () => {
    const s = withLimits({ maxIsolates: 1 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => s.run(`return await $ctx.$test.delay(5, ${i})`)));
    expect(results.map((r) => r.data)).toStrictEqual([0, 1, 2, 3, 4, 5]);
    expect(s.sandbox.poolSize).toStrictEqual({ live: 1, idle: 1 });
  });
});
