/**
 * Context reuse keeps nothing of an invocation in the isolate: whatever an invocation made ($ctx, its
 * errors, its host calls, those left pending, its logs) is garbage once it ends, so the isolate's heap
 * after a full GC is the same after a few hundred invocations and after a few thousand more. (The realm
 * once kept every error thrown with a status in a Map.) Sizes after a full GC only, no timing.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { adversarialSandbox, NORMAL_HOOK } from './support.ts';

// One isolate that is never replaced: every invocation below runs in the same context.
const { sandbox, run } = adversarialSandbox({ maxIsolates: 1, invocationsPerIsolate: 0 });
afterAll(() => sandbox.close());

/** Ends with a status error, leaving a host call and a timer-backed promise behind. */
const FAILING_HOOK = `
  $ctx.$test.delay(1, 'late').then((v) => $ctx.$logs(v));
  $ctx.$test.echo({ big: 'y'.repeat(2000) });
  console.log(new URL('http://x.test/a?b=' + $ctx.$params.n).searchParams.get('b'));
  $ctx.$throw['422']('invalid', { field: 'n', value: $ctx.$params.n });
`;

async function invocations(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ok = await run(NORMAL_HOOK, { params: { n: i }, body: { ok: true } });
    const failed = await run(FAILING_HOOK, { params: { n: i } });
    if (!ok.ok || failed.error?.statusCode !== 422) throw new Error(`unexpected outcome: ${JSON.stringify(ok.error ?? failed.error)}`);
  }
}

/** The isolate's used heap after full GCs (the test's --expose-gc gives the context a `gc`). */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 2; i++) expect((await run(`gc(); return typeof gc`)).data).toBe('function');
  return sandbox.heapStatistics().usedHeapBytes;
}

describe('nothing of an invocation stays in the reused context', () => {
  it('the isolate heap after GC does not grow over 3,000 more invocations', async () => {
    await invocations(300);
    const warm = await heapAfterGc();
    await invocations(1500);
    const grown = (await heapAfterGc()) - warm;
    // Measured: within ±200 KB either way (compiled code, GC). Each invocation leaving 200 bytes behind
    // would add ~600 KB; the errors Map the realm once had added 14 MB.
    expect(grown).toBeLessThan(512 * 1024);
  });
});
