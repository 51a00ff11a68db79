import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { helpers } from './support.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Settles the promise's state without waiting for it. */
function settled(promise: Promise<unknown>): () => boolean {
  let done = false;
  void promise.then(() => (done = true));
  return () => done;
}

describe('$helpers.$sleep', () => {
  it('waits the given time and resolves to undefined', async () => {
    vi.useFakeTimers();
    const sleep = helpers()('$helpers.$sleep', 250) as Promise<unknown>;
    const isDone = settled(sleep);
    await vi.advanceTimersByTimeAsync(249);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(isDone()).toBe(true);
    expect(await sleep).toBeUndefined();
  });

  it('is clamped to 30 s', async () => {
    vi.useFakeTimers();
    const isDone = settled(helpers()('$helpers.$sleep', 10 * 60_000) as Promise<unknown>);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(isDone()).toBe(true);
  });

  it('never waits past the invocation wall-clock limit', async () => {
    vi.useFakeTimers();
    const scope = new Scope({ deadline: Date.now() + 1000 });
    const isDone = settled(helpers({}, scope)('$helpers.$sleep', 20_000) as Promise<unknown>);
    await vi.advanceTimersByTimeAsync(1000);
    expect(isDone()).toBe(true);
  });

  it.each([-5, -Infinity, 0])('treats %j as no wait', async (ms) => {
    vi.useFakeTimers();
    const isDone = settled(helpers()('$helpers.$sleep', ms) as Promise<unknown>);
    await vi.advanceTimersByTimeAsync(0);
    expect(isDone()).toBe(true);
  });

  it.each([Number.NaN, null, undefined, {}, 'soon'])('treats %j as no wait, as Enfyra does', async (ms) => {
    vi.useFakeTimers();
    const isDone = settled(helpers()('$helpers.$sleep', ms) as Promise<unknown>);
    await vi.advanceTimersByTimeAsync(0);
    expect(isDone()).toBe(true);
  });

  it('takes a number in a string', async () => {
    vi.useFakeTimers();
    const isDone = settled(helpers()('$helpers.$sleep', '100') as Promise<unknown>);
    await vi.advanceTimersByTimeAsync(99);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(isDone()).toBe(true);
  });
});
