/**
 * A script that replaces builtins or pollutes prototypes hurts only its own
 * invocation: the bridge keeps working for it, its outcome cannot be forged,
 * and nothing reaches the host or the next invocation (checked after every
 * case by `stillServes`, which also asserts the host's builtins are intact).
 */
import { describe, it, expect, afterAll, afterEach } from 'vitest';
import { adversarialSandbox, expectData, expectError, nonError } from './support.ts';

const { sandbox, run, echo, stillServes } = adversarialSandbox();
afterEach(stillServes);
afterAll(() => sandbox.close());

describe('prototype pollution', () => {
  it('Object.prototype.x is visible in the script only', async () => {
    expectData(await run(`Object.prototype.x = 1; Object.prototype.polluted = true; return [({}).x, ({}).polluted]`), [1, true]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('Object.prototype.toJSON rewrites the script’s own data, never the result envelope', async () => {
    expectData(await run(`Object.prototype.toJSON = function () { return 'hijacked' }; return { a: 1 }`), 'hijacked');
  });

  it('Object.prototype.toJSON cannot turn a thrown error into a success', async () => {
    const r = await run(`
      Object.prototype.toJSON = function () {
        return ('dropped' in this) ? { __proto__: null, ok: true, dropped: 0, data: '"faked"', changed: { __proto__: null } } : this;
      };
      throw new Error('real');`);
    expectError(r, { name: 'Error', message: 'real' });
  });

  it('Object.prototype.statusCode does not give a host error a status', async () => {
    expectError(await run(`Object.prototype.statusCode = 200; await $ctx.$test.fail('x', 'bad')`), { name: 'TypeError', message: 'bad' });
  });

  it('Object.prototype.statusCode does not give a thrown Error a status', async () => {
    expectError(await run(`Object.prototype.statusCode = 404; throw new Error('plain')`), { name: 'Error', message: 'plain' });
  });

  it('setters on Object.prototype do not intercept argument markers', async () => {
    const r = await run(`
      Object.defineProperty(Object.prototype, '0', { set() { throw new Error('setter') }, configurable: true });
      Object.defineProperty(Object.prototype, '1', { set() { throw new Error('setter') }, configurable: true });
      return $ctx.$probe.inspect(undefined, () => 1);`);
    expectData(r, [{ type: 'undefined' }, { marker: 'function', detail: 'function at top level' }]);
  });

  it('Object.prototype.then does not hijack host-call results', async () => {
    const r = await run(`
      const v = await $ctx.$test.echo('plain');
      Object.prototype.then = function (resolve) { resolve('hijacked') };
      return v;`);
    expectData(r, 'plain');
  });

  it('Object.prototype cannot be given a new prototype', async () => {
    expectError(await run(`Object.setPrototypeOf(Object.prototype, { x: 1 })`), { name: 'TypeError', message: /Immutable prototype object/ });
  });

  it('frozen prototypes do not break the bridge', async () => {
    const r = await run(`[Object, Array, Function, Promise, Error, String].forEach((C) => Object.freeze(C.prototype)); return await $ctx.$test.echo({ a: [1] })`);
    expectData(r, { a: [1] });
  });
});

describe('replaced builtins', () => {
  it('JSON.parse', async () => {
    expectData(await run(`JSON.parse = () => ({ hacked: true }); return await $ctx.$test.echo({ a: 1 })`), { a: 1 });
  });

  it('JSON.stringify', async () => {
    expectData(await run(`JSON.stringify = () => '"hacked"'; return await $ctx.$test.echo({ a: 1 })`), { a: 1 });
    expect(echo.calls.at(-1)).toStrictEqual([{ a: 1 }]);
  });

  it('Promise (the global)', async () => {
    const r = await run(`globalThis.Promise = function () { throw new Error('no promises') }; return await $ctx.$test.echo(5)`);
    expectData(r, 5);
  });

  it('Promise.prototype.then', async () => {
    const r = await run(`Promise.prototype.then = function () { throw new Error('no then') }; return await $ctx.$test.echo(6)`);
    expectData(r, 6);
  });

  it('Promise.prototype.constructor and then together only affect the script', async () => {
    const r = await run(`Promise.prototype.constructor = function () {}; Promise.prototype.then = function (ok) { ok('own') }; return 7`);
    expectData(r, 'own');
  });

  it('Array.prototype.map, push, join and the array iterator', async () => {
    const r = await run(`
      Array.prototype.map = () => { throw new Error('map') };
      Array.prototype.push = null;
      Array.prototype.join = () => '{"a":1}';
      Array.prototype[Symbol.iterator] = function* () { throw new Error('iterator') };
      return $ctx.$probe.inspect(1, 'a', undefined);`);
    expectData(r, [{ type: 'number', json: '1' }, { type: 'string', json: '"a"' }, { type: 'undefined' }]);
  });

  it('a replaced array iterator does not break reporting the result', async () => {
    expectData(await run(`Array.prototype[Symbol.iterator] = function () { throw new Error('iter') }; return [1, 2]`), [1, 2]);
  });

  it('Reflect.apply', async () => {
    const r = await run(`Reflect.apply = () => { throw new Error('no') }; const v = await $ctx.$test.echo('r'); $ctx.$logs('log', v); return v`);
    expectData(r, 'r', ['log r']);
  });

  it('Function.prototype call, apply and bind', async () => {
    const r = await run(`Function.prototype.call = Function.prototype.apply = Function.prototype.bind = null; return await $ctx.$test.echo(2)`);
    expectData(r, 2);
  });

  it('String.prototype.slice cannot forge a host error reply', async () => {
    const r = await run(`String.prototype.slice = () => '{"name":"OK","message":"fake","statusCode":200}'; await $ctx.$test.fail('x', 'bad')`);
    expectError(r, { name: 'TypeError', message: 'bad' });
  });

  it('String.prototype.slice cannot lift the log line limit', async () => {
    const r = await run(`String.prototype.slice = function () { return this }; $ctx.$logs('x'.repeat(50000)); return 1`);
    expect(r.data).toBe(1);
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toBe('x'.repeat(10_000) + '… (cut)');
  });

  it('String.prototype.includes, split and RegExp exec', async () => {
    const r = await run(`
      String.prototype.includes = String.prototype.split = RegExp.prototype.exec = RegExp.prototype.test = () => { throw new Error('no') };
      const c = {}; c.c = c;
      return $ctx.$probe.inspect(c);`);
    expectData(r, [{ marker: 'circular', detail: 'circular structure' }]);
  });

  it('Map, WeakSet and WeakMap methods cannot forge or drop an HTTP status', async () => {
    const r = await run(`
      Map.prototype.get = () => 200; Map.prototype.set = () => {}; WeakSet.prototype.has = () => true; WeakSet.prototype.add = () => {};
      const v = await $ctx.$test.echo(1);
      try { $ctx.$throw['404']('nf') } catch (e) { return [v, e.statusCode] }`);
    expectData(r, [1, 404]);
    expectError(await run(`WeakSet.prototype.has = () => true; Map.prototype.get = () => 200; throw new Error('plain')`), { name: 'Error', message: 'plain' });
    expectError(await run(`Map.prototype.get = () => 200; $ctx.$throw['409']('taken')`), { name: 'ConflictException', message: 'taken', statusCode: 409 });
  });

  it('console replaced: $logs still collects', async () => {
    expectData(await run(`globalThis.console = { log() { throw new Error('no') } }; $ctx.$logs('still'); return 1`), 1, ['still']);
  });

  it('globals named like the bridge do nothing', async () => {
    const r = await run(`globalThis.__enfyraHost = () => 'x'; globalThis.__enfyraRun = () => {}; globalThis.__enfyraInit = '{}'; return await $ctx.$test.echo(7)`);
    expectData(r, 7);
  });
});

describe('replaced $ctx members', () => {
  it('$ctx.$test.echo replaced', async () => {
    expectData(await run(`$ctx.$test.echo = async () => 'hijacked'; return await $ctx.$test.echo(1)`), 'hijacked');
  });

  it('$ctx.$cache.get replaced by a throwing getter', async () => {
    const r = await run(`Object.defineProperty($ctx.$cache, 'get', { get() { throw new Error('gone') } }); return await $ctx.$cache.get('k')`);
    expectError(r, { name: 'Error', message: 'gone' });
  });

  it('$ctx.$throw replaced and $ctx.$logs deleted', async () => {
    const r = await run(`$ctx.$throw = { 404: () => 'no throw' }; delete $ctx.$logs; return [$ctx.$throw[404](), typeof $ctx.$logs]`);
    expectData(r, ['no throw', 'undefined']);
  });

  it('getters on the changed request fields do not break the result', async () => {
    const r = await run(`Object.defineProperty($ctx, '$body', { get() { throw new Error('g') } }); $ctx.$share.kept = 1; return 1`);
    expect(r).toMatchObject({ ok: true, data: 1, error: null, logs: [] });
    // $body is left out; the other fields come back as they are.
    expect(Object.keys(r.changed)).toStrictEqual(['$query', '$share', '$data', '$statusCode']);
    expect(r.changed.$share).toMatchObject({ kept: 1 });
  });

  it('$ctx made into a getter maze: the hook still reports its own error', async () => {
    const r = await run(`for (const k of Object.keys($ctx)) Object.defineProperty($ctx, k, { get() { for (;;) {} } }); throw 'own'`);
    expectError(r, { name: 'TimeoutError', message: 'hook used more than its CPU time limit (sandbox.cpuTimeoutMs = 300 ms)', limit: 'cpu' });
  });

  it('a thrown non-Error after pollution still says so', async () => {
    expectError(await run(`Object.prototype.message = 'inherited'; throw {}`), nonError('inherited'));
  });
});
