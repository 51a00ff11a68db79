/**
 * Whatever a hook throws ends it with a defined error: non-Errors are named as
 * such, hostile getters on `message`/`name` cannot stall or crash the report,
 * and only `$throw` (or a host HTTP error) carries an HTTP status — a status a
 * script sets by hand never fakes a success or an HTTP error.
 */
import { describe, it, expect, afterAll, afterEach } from 'vitest';
import { adversarialSandbox, expectData, expectError, cpuTimeout, nonError, CPU_BOUND_MS } from './support.ts';

const { sandbox, run, stillServes } = adversarialSandbox();
afterEach(stillServes);
afterAll(() => sandbox.close());

describe('thrown non-Errors', () => {
  const cases: Array<[string, string, string]> = [
    ['undefined', `throw undefined`, 'undefined'],
    ['a Symbol', `throw Symbol('s')`, 'Symbol(s)'],
    ['a BigInt', `throw 10n`, '10'],
    ['an array', `throw [1, 2]`, '1,2'],
    ['$ctx itself', `throw $ctx`, '[object Object]'],
    ['a function', `throw function named() {}`, 'function named() {}'],
  ];
  for (const [label, code, text] of cases) {
    it(`throwing ${label}`, async () => {
      expectError(await run(code), nonError(text));
    });
  }

  it('a plain object with statusCode 200 and no message fakes nothing', async () => {
    expectError(await run(`throw { statusCode: 200 }`), nonError('[object Object]'));
  });

  it('a plain object dressed as an HTTP error gets no status', async () => {
    expectError(await run(`throw { statusCode: 404, name: 'NotFoundException', message: 'nf' }`), nonError('nf'));
  });

  it('a rejected promise with a non-Error', async () => {
    expectError(await run(`await Promise.reject('rejected string')`), nonError('rejected string'));
  });
});

describe('Errors carrying a status by hand', () => {
  it('statusCode 200 on an Error is ignored', async () => {
    expectError(await run(`throw Object.assign(new Error('x'), { statusCode: 200 })`), { name: 'Error', message: 'x' });
  });

  it('statusCode 404 and an exception name on an Error give no HTTP status', async () => {
    const r = await run(`const e = new Error('nf'); e.name = 'NotFoundException'; e.statusCode = 404; throw e`);
    expectError(r, { name: 'NotFoundException', message: 'nf' });
  });

  it('a caught $throw error keeps its status when changed and rethrown', async () => {
    const r = await run(`try { $ctx.$throw['404']('a') } catch (e) { try { e.statusCode = 200 } catch {} e.message = 'changed'; throw e }`);
    expectError(r, { name: 'NotFoundException', message: 'changed', statusCode: 404 });
  });

  it('a host error with a non-error status is a plain error', async () => {
    expectError(await run(`await $ctx.$test.fail(200, 'not an error status')`), { name: 'HttpException', message: 'not an error status' });
  });

  it('a host error with a real status keeps it', async () => {
    expectError(await run(`await $ctx.$test.fail(429, 'slow down')`), { name: 'TooManyRequestsException', message: 'slow down', statusCode: 429 });
  });
});

describe('hostile Error properties', () => {
  it('a message getter that throws', async () => {
    const r = await run(`const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw new Error('inner') } }); throw e`);
    expectError(r, { name: 'Error', message: '(error message could not be read)' });
  });

  it('a message getter that loops ends at the CPU limit', async () => {
    const r = await run(`const e = new Error('x'); Object.defineProperty(e, 'message', { get() { for (;;) {} } }); throw e`);
    expectError(r, cpuTimeout());
    expect(r.durationMs).toBeLessThan(CPU_BOUND_MS);
  });

  it('a message that is an object whose toString throws', async () => {
    expectError(await run(`const e = new Error(); e.message = { toString() { throw 1 } }; throw e`), { name: 'Error', message: '(error message could not be read)' });
  });

  it('a message that is an object with Symbol.toPrimitive', async () => {
    expectError(await run(`const e = new Error(); e.message = { [Symbol.toPrimitive]: () => 'prim' }; throw e`), { name: 'Error', message: 'prim' });
  });

  it('a name getter that throws', async () => {
    const r = await run(`const e = new Error('x'); Object.defineProperty(e, 'name', { get() { throw new Error('no name') } }); throw e`);
    expectError(r, { name: 'Error', message: 'x' });
  });

  it('a name getter that loops ends at the CPU limit', async () => {
    const r = await run(`const e = new TypeError('x'); Object.defineProperty(e, 'name', { get() { for (;;) {} } }); throw e`);
    expectError(r, cpuTimeout());
  });

  it('a non-string name', async () => {
    expectError(await run(`const e = new Error('x'); e.name = 42; throw e`), { name: 'Error', message: 'x' });
  });

  it('a class field name and AggregateError', async () => {
    expectError(await run(`class MyErr extends Error { name = 'MyErr' } throw new MyErr('m')`), { name: 'MyErr', message: 'm' });
    expectError(await run(`throw new AggregateError([new Error('a')], 'many')`), { name: 'AggregateError', message: 'many' });
  });

  it('a hostile stack is never read', async () => {
    const r = await run(`const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { for (;;) {} } }); throw e`);
    expectError(r, { name: 'Error', message: 'x' });
    expect(r.durationMs).toBeLessThan(250);
  });

  it('an Error re-parented onto a throwing Proxy is no longer an Error; its traps do not break the report', async () => {
    const r = await run(`const e = new Error('x'); Object.setPrototypeOf(e, new Proxy(Error.prototype, { get() { throw new Error('trap') } })); throw e`);
    expectError(r, nonError('x'));
  });
});

describe('$throw with unusual messages', () => {
  const cases: Array<[string, string, string]> = [
    ['a number', `$ctx.$throw['400'](42)`, '42'],
    // Enfyra String()s the message; null, undefined and '' give the status's default.
    ['an object', `$ctx.$throw['400']({ id: 1 })`, '[object Object]'],
    ['null', `$ctx.$throw['400'](null)`, 'Bad request'],
    ['nothing', `$ctx.$throw['400']()`, 'Bad request'],
    ['a Symbol', `$ctx.$throw['400'](Symbol('x'))`, 'Symbol(x)'],
    ['a BigInt', `$ctx.$throw['400'](10n)`, '10'],
    ['an Error', `$ctx.$throw['400'](new RangeError('inner'))`, 'RangeError: inner'],
    ['an object whose toJSON throws', `$ctx.$throw['400']({ toJSON() { throw new Error('tj') } })`, '[object Object]'],
    ['a cycle', `const c = {}; c.c = c; $ctx.$throw['400'](c)`, '[object Object]'],
  ];
  for (const [label, code, message] of cases) {
    it(`$throw with ${label}`, async () => {
      expectError(await run(code), { name: 'BadRequestException', message, statusCode: 400 });
    });
  }

  it('details JSON cannot carry are left out, the status stays', async () => {
    const r = await run(`$ctx.$throw['422']('m', 10n)`);
    expectError(r, { name: 'UnprocessableEntityException', message: 'm', statusCode: 422 });
    expect(r.error!.details).toBeUndefined();
  });

  it('a message object with a looping toString ends at the CPU limit', async () => {
    expectError(await run(`$ctx.$throw['400']({ toString() { for (;;) {} } })`), cpuTimeout());
  });

  it('$throw with a non-error status fails the hook without a status (never a success)', async () => {
    expectError(await run(`$ctx.$throw['200']('ok')`), { name: 'HttpException', message: 'ok' });
  });

  it('$throw called detached still throws its status', async () => {
    expectData(await run(`const t = $ctx.$throw['403']; try { t.call(null, 'no') } catch (e) { return [e.statusCode, e.message] }`), [403, 'no']);
  });
});
