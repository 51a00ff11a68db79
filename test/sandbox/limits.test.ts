import { describe, it, expect, afterAll } from 'vitest';
import { testSandbox } from '../support/sandbox.ts';

const { sandbox, run } = testSandbox({ cpuTimeoutMs: 200, wallTimeoutMs: 800, memoryLimitMb: 32, maxIsolates: 2 });
afterAll(() => sandbox.close());

async function stillServes() {
  const r = await run('return await $ctx.$test.echo("ok")');
  expect(r.data).toBe('ok');
}

describe('sandbox limits', () => {
  it('an infinite loop ends with a CPU timeout near the limit, then the next invocation works', async () => {
    const t0 = Date.now();
    const r = await run('while (true) {}');
    expect(r.error).toMatchObject({ name: 'TimeoutError', limit: 'cpu' });
    expect(r.error?.message).toContain('cpuTimeoutMs = 200');
    expect(Date.now() - t0).toBeLessThan(2000);
    await stillServes();
  });

  it('CPU time is counted across host calls, not per entry', async () => {
    const r = await run('for (;;) { await $ctx.$test.echo(1); const end = Date.now() + 20; while (Date.now() < end) {} }');
    expect(r.error).toMatchObject({ limit: 'cpu' });
    await stillServes();
  });

  it('an infinite microtask chain ends with the CPU timeout', async () => {
    const r = await run('for (;;) await null;');
    expect(r.error).toMatchObject({ limit: 'cpu' });
    await stillServes();
  });

  it('a promise that never settles ends at the wall-clock limit', async () => {
    const t0 = Date.now();
    const r = await run('await new Promise(() => {})');
    expect(r.error).toMatchObject({ statusCode: 408, name: 'ScriptTimeoutException', code: 'SCRIPT_TIMEOUT', message: 'Script execution timed out after 800ms', limit: 'wall' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(790);
    await stillServes();
  });

  it('a host call that never answers ends at the wall-clock limit', async () => {
    const r = await run('await $ctx.$test.never()');
    expect(r.error).toMatchObject({ limit: 'wall' });
    await stillServes();
  });

  it('allocating past the memory limit ends with a memory error', async () => {
    // A generous CPU limit, so a slow machine reaches the memory limit first.
    const roomy = testSandbox({ cpuTimeoutMs: 20_000, wallTimeoutMs: 30_000, memoryLimitMb: 32 });
    const r = await roomy.run('const a = []; for (;;) a.push(new Array(100000).fill(1.5));');
    expect(r.error).toMatchObject({ name: 'MemoryLimitError', limit: 'memory' });
    expect((await roomy.run('return 2')).data).toBe(2);
    roomy.sandbox.close();
    await stillServes();
  });

  it('an oversized result is a clear error', async () => {
    const small = testSandbox({ maxResultBytes: 1000 });
    const r = await small.run('return "x".repeat(5000)');
    small.sandbox.close();
    expect(r.error?.message).toContain('maxResultBytes');
  });

  it('keeps serving many invocations at once with a small pool', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(`return await $ctx.$test.delay(5, ${i})`)));
    expect(results.map((r) => r.data)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(sandbox.poolSize.live).toBeLessThanOrEqual(2);
  });
});

describe('no way out', () => {
  const probes: Array<[string, string]> = [
    ['constructor chain from globalThis', `return globalThis.constructor.constructor('return typeof process')()`],
    ['Function', `return Function('return typeof process')()`],
    ['constructor chain from a $ctx method', `return $ctx.$test.echo.constructor('return typeof process')()`],
    ['globals', `return [typeof process, typeof module, typeof Buffer, typeof setTimeout].join()`],
  ];
  for (const [label, code] of probes) {
    it(label, async () => {
      const r = await run(code);
      // SES makes the constructor chains inert (Function.prototype.constructor throws); globals are plainly absent.
      if (!r.ok) expect(r.error?.name).toBe('TypeError');
      else expect(String(r.data)).toMatch(/^undefined(,undefined)*$/);
    });
  }

  it('dynamic import() is refused', async () => {
    const r = await run(`return await import('fs')`);
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ name: 'Error', message: 'Not supported' });
  });
});
