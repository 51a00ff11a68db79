import { describe, it, expect, afterAll } from 'vitest';
import { testSandbox } from '../support/sandbox.ts';

const { sandbox, run } = testSandbox({ maxIsolates: 4, wallTimeoutMs: 60_000 });
afterAll(() => sandbox.close());

describe('Sandbox.interrupt', () => {
  it('stops every invocation still running, after others started between them have finished', async () => {
    const first = run('await new Promise(() => {})');
    const quick = run('return 1');
    const last = run('await new Promise(() => {})');
    // The quick one ends while the other two run: it leaves the running list from between them.
    expect((await quick).data).toBe(1);
    await sandbox.interrupt();
    for (const outcome of await Promise.all([first, last])) expect(outcome.error).toMatchObject({ name: 'InterruptedError' });
    expect((await run('return 2')).error).toMatchObject({ name: 'InterruptedError' });
  });
});
