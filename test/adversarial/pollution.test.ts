/**
 * A script that replaces builtins or pollutes prototypes hurts only its own
 * invocation: the bridge keeps working for it, its outcome cannot be forged,
 * and nothing reaches the host or the next invocation (checked after every
 * case by `stillServes`, which also asserts the host's builtins are intact).
 */
import { describe, it, expect, afterAll, afterEach } from 'vitest';
import { adversarialSandbox, expectData, expectError, frozen, nonError } from './support.ts';

const { sandbox, run, echo, stillServes } = adversarialSandbox();
afterEach(stillServes);
afterAll(() => sandbox.close());

/**
 * An isolate's context is reused by its invocations, so its built-ins and globals are frozen (SES
 * lockdown + harden): every attempt below fails at once with a TypeError that says why, and the next
 * invocation on the same isolate (stillServes, after each case) sees nothing of it. Enfyra lets these
 * changes leak into later requests.
 */
const TAMPERING: Array<[string, string]> = [
  ['Object.prototype.x', `Object.prototype.x = 1`],
  ['Object.prototype.toJSON', `Object.prototype.toJSON = function () { return 'hijacked' }`],
  ['Object.prototype.statusCode', `Object.prototype.statusCode = 404`],
  ['a setter on Object.prototype', `Object.defineProperty(Object.prototype, '0', { set() { throw new Error('setter') }, configurable: true })`],
  ['Object.prototype.then', `Object.prototype.then = function (resolve) { resolve('hijacked') }`],
  ['JSON.parse', `JSON.parse = () => ({ hacked: true })`],
  ['JSON.stringify', `JSON.stringify = () => '"hacked"'`],
  ['Promise (the global)', `globalThis.Promise = function () { throw new Error('no promises') }`],
  ['Promise.prototype.then', `Promise.prototype.then = function () { throw new Error('no then') }`],
  ['Promise.prototype.constructor', `Promise.prototype.constructor = function () {}`],
  ['Array.prototype.map', `Array.prototype.map = () => { throw new Error('map') }`],
  ['the array iterator', `Array.prototype[Symbol.iterator] = function* () { throw new Error('iterator') }`],
  ['Reflect.apply', `Reflect.apply = () => { throw new Error('no') }`],
  ['Function.prototype.call', `Function.prototype.call = null`],
  ['String.prototype.slice', `String.prototype.slice = function () { return this }`],
  ['RegExp.prototype.exec', `RegExp.prototype.exec = () => null`],
  ['Map.prototype.get', `Map.prototype.get = () => 200`],
  ['WeakSet.prototype.has', `WeakSet.prototype.has = () => true`],
  ['console', `globalThis.console = { log() { throw new Error('no') } }`],
  ['console.log', `console.log = () => {}`],
  ['a global named like the bridge', `globalThis.__enfyraHost = () => 'x'`],
  ['Math.max', `Math.max = () => 1`],
  ['Array.prototype.includes', `Array.prototype.includes = () => true`],
  ['Error.prepareStackTrace', `Error.prepareStackTrace = () => 'mine'`],
  ['Error.stackTraceLimit', `Error.stackTraceLimit = 0`],
  ['an accessor on Object.prototype', `Object.defineProperty(Object.prototype, 'polluted', { get() { return true } })`],
  ['Promise[Symbol.species]', `Object.defineProperty(Promise, Symbol.species, { get() { throw new Error('species') } })`],
  ['Error[Symbol.hasInstance]', `Object.defineProperty(Error, Symbol.hasInstance, { value: () => true })`],
  ['a new global', `globalThis.leak = { count: 1 }`],
  ['deleting a global', `delete globalThis.JSON`],
];

describe('tampering with shared built-ins and globals', () => {
  for (const [label, code] of TAMPERING) {
    it(`${label}: refused with a clear error`, async () => {
      expectError(await run(`${code}; return 'changed'`), frozen());
    });
  }

  it('Object.prototype cannot be given a new prototype', async () => {
    expectError(await run(`Object.setPrototypeOf(Object.prototype, { x: 1 })`), { name: 'TypeError', message: /Immutable prototype object|not extensible/ });
  });

  it('freezing what is already frozen is harmless', async () => {
    const r = await run(`[Object, Array, Function, Promise, Error, String].forEach((C) => Object.freeze(C.prototype)); return await $ctx.$test.echo({ a: [1] })`);
    expectData(r, { a: [1] });
  });

  it('the override mistake is tamed for the usual names: a script\'s own objects still take toString and name', async () => {
    const r = await run(`
      const o = { a: 1 }; o.toString = () => 'mine';
      const e = new Error('x'); e.name = 'NotFoundException'; e.message = 'changed';
      class A {} ; A.prototype.toString = () => 'A';
      return [String(o), e.name, e.message, String(new A())]`);
    expectData(r, ['mine', 'NotFoundException', 'changed', 'A']);
  });

  it('assigning constructor on a plain object is refused (SES moderate taming leaves it frozen)', async () => {
    expectError(await run(`const o = {}; o.constructor = 'c'`), frozen());
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

  it('a thrown non-Error with an inherited message still says so', async () => {
    expectError(await run(`throw Object.create({ message: 'inherited' })`), nonError('inherited'));
  });
});
