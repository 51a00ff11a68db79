/**
 * Context reuse: one context per isolate serves invocation after invocation. Whatever one invocation
 * tries to leave behind (changes to built-ins, globals, the Symbol registry, pending promises and
 * host calls) must not be seen by the next ones on the same isolate. One isolate, so every invocation
 * here shares the context.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { adversarialSandbox, expectData, expectError, frozen } from './support.ts';

const { sandbox, run } = adversarialSandbox({ maxIsolates: 1 });
afterAll(() => sandbox.close());

/** What a later invocation checks: built-ins as shipped, no extra globals, nothing inherited. */
const OBSERVE = `
  const seen = [];
  if (Math.max(1, 2) !== 2) seen.push('Math.max');
  if ([1].includes(1) !== true) seen.push('Array.prototype.includes');
  if (({}).polluted !== undefined || 'polluted' in {}) seen.push('Object.prototype');
  if (typeof globalThis.leak !== 'undefined' || typeof leak !== 'undefined') seen.push('global');
  if (JSON.stringify({ a: 1 }) !== '{"a":1}') seen.push('JSON');
  if (typeof new Error('x').stack !== 'string' || !new Error('x').stack.startsWith('Error: x')) seen.push('Error stack');
  if (Symbol.for('enfyra.test').description !== 'enfyra.test') seen.push('Symbol registry');
  if (globalThis[Symbol.for('enfyra.test')] !== undefined) seen.push('Symbol-keyed global');
  if (typeof RegExp.$1 !== 'undefined' && RegExp.$1 !== '') seen.push('RegExp.$1');
  if ((await $ctx.$test.echo('mine')) !== 'mine') seen.push('host reply');
  return seen;`;

async function expectClean(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) expectData(await run(OBSERVE), []);
}

describe('no state carried between invocations on one isolate', () => {
  const attempts: Array<[string, string]> = [
    ['built-in prototypes', `Array.prototype.includes = () => false`],
    ['a built-in function', `Math.max = () => -1`],
    ['globalThis properties', `globalThis.leak = 1`],
    ['a Symbol-keyed global', `globalThis[Symbol.for('enfyra.test')] = 1`],
    ['Error.prepareStackTrace', `Error.prepareStackTrace = () => 'mine'`],
    ['Object.prototype accessors', `Object.defineProperty(Object.prototype, 'polluted', { get() { return 1 }, configurable: true })`],
    ['JSON', `JSON.stringify = () => 'x'`],
  ];
  for (const [label, code] of attempts) {
    it(`${label}: the change is refused, and later invocations see the pristine realm`, async () => {
      expectError(await run(code), frozen());
      await expectClean();
    });
  }

  it('the Symbol registry: a registered symbol carries nothing', async () => {
    expectData(await run(`const s = Symbol.for('enfyra.test'); try { Object.prototype[s] = 1 } catch {} return typeof s`), 'symbol');
    await expectClean();
  });

  it('RegExp legacy statics do not reveal an earlier match', async () => {
    expectData(await run(`/(secret-\\d+)/.exec('token secret-42'); return typeof RegExp.$1`), 'undefined');
    await expectClean();
  });

  it('a tampering attempt caught by the hook still changes nothing', async () => {
    expectData(await run(`try { Math.max = () => -1 } catch (e) { return e instanceof TypeError }`), true);
    await expectClean();
  });

  it('pending promises and host calls left behind: their late replies never reach the next invocation', async () => {
    // Starts a slow host call and a timer-like sleep it never awaits, then answers at once.
    expectData(await run(`$ctx.$test.delay(150, 'stale'); $ctx.$test.delay(50, 'stale').then((v) => $ctx.$logs('late ' + v)); return 1`), 1);
    // The next invocations (same isolate, same call ids from 1) get their own replies only.
    for (let i = 0; i < 3; i++) {
      const r = await run(`const a = await $ctx.$test.delay(100, 'fresh-a'); const b = await $ctx.$test.echo('fresh-b'); return [a, b]`);
      expectData(r, ['fresh-a', 'fresh-b']);
      expect(r.logs).toEqual([]);
    }
  });

  it('a never-settling promise holding a reply: the invocation ends at its wall limit, and the context goes with it', async () => {
    const before = sandbox.heapStatistics();
    const r = await sandbox.invoke(
      { filename: 'hooks/never.js', code: `const p = $ctx.$test.delay(10, 'x'); await new Promise(() => {}); return p` },
      (await import('../../runtime/context/request.ts')).contextData({}, {}),
      undefined,
      'handler',
      { wallTimeoutMs: 200 },
    );
    expect(r.error).toMatchObject({ statusCode: 408, code: 'SCRIPT_TIMEOUT', limit: 'wall' });
    expect(before.lostIsolates).toBe(sandbox.heapStatistics().lostIsolates);
    await expectClean();
  });

  it('console in a later invocation logs to that invocation only', async () => {
    await run(`console.log('first')`);
    const r = await run(`console.log('second'); return 1`);
    expect(r.logs).toEqual(['second']);
  });

  it('1,000 invocations alternating tampering and checking: none sees a change', async () => {
    let leaked = 0;
    for (let i = 0; i < 500; i++) {
      await run(`try { Array.prototype.includes = () => false } catch {} try { globalThis.leak = ${i} } catch {} try { Object.prototype.polluted = 1 } catch {} return 1`);
      const r = await run(OBSERVE);
      if (!r.ok || (r.data as unknown[]).length > 0) leaked++;
    }
    expect(leaked).toBe(0);
  });
});

describe('crash regressions', () => {
  it('a hook returning a 100 MB string fails cleanly (a limit or maxResultBytes), and the sandbox serves on', async () => {
    const r = await run(`return 'x'.repeat(100 * 1024 * 1024)`);
    expect(r.ok).toBe(false);
    expect(['MemoryLimitError', 'TimeoutError', 'RangeError']).toContain(r.error?.name);
    await expectClean(1);
  });
});
