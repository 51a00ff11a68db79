/**
 * Attempts to reach the host from inside a hook: constructor chains from every
 * value a script can touch, code generation, module loading, stack-frame
 * introspection, Proxies, getters and toJSON across the bridge.
 */
import { describe, it, expect, afterAll, afterEach } from 'vitest';
import { adversarialSandbox, expectData, expectError, cpuTimeout, frozen, nonError, CPU_BOUND_MS, type ExpectedError } from './support.ts';

const { sandbox, run, echo, stillServes } = adversarialSandbox();
afterEach(stillServes);
afterAll(() => sandbox.close());

/** Evaluated through a constructor chain: must see the isolate's own global only. */
const PROBE = `return [typeof process, typeof __filename, typeof module, typeof Buffer, typeof __enfyraHost, typeof __enfyraInit].join()`;
const NOTHING = 'undefined,undefined,undefined,undefined,undefined,undefined';
const INERT: ExpectedError & { message: string } = { name: 'TypeError', message: 'Function.prototype.constructor is not a valid constructor.' };

describe('constructor chains', () => {
  const chains: Array<[string, string]> = [
    ['$ctx', `$ctx.constructor.constructor`],
    ['$ctx.$logs', `$ctx.$logs.constructor`],
    ['a $throw function', `$ctx.$throw['400'].constructor`],
    ['a host method stub', `$ctx.$test.echoSync.constructor`],
    ['the promise a host call returns', `$ctx.$test.echo(1).constructor.constructor`],
    ['the then of that promise', `$ctx.$test.echo(1).then.constructor`],
    ['request data ($req.headers)', `$ctx.$req.headers.constructor.constructor`],
    ['a dynamic-members proxy', `Object.getPrototypeOf($ctx.$dyn).constructor.constructor`],
    ['a dynamic member method', `$ctx.$dyn.anyTable.get.constructor`],
    ['the prototype of Function.prototype', `Object.getPrototypeOf($ctx.$logs).constructor`],
  ];
  // SES leaves Function.prototype.constructor inert: every chain ends in its TypeError.
  for (const [label, chain] of chains) {
    it(`from ${label}`, async () => {
      expectError(await run(`return (${chain})(${JSON.stringify(PROBE)})()`), INERT);
    });
  }

  it('the global Function makes code that sees no host', async () => {
    expectData(await run(`return Function(${JSON.stringify(PROBE)})()`), NOTHING);
  });

  it('from values returned by async and sync host calls', async () => {
    const r = await run(`
      const a = await $ctx.$test.echo({ o: {} });
      const b = await $ctx.$test.echo([1]);
      const c = $ctx.$test.echoSync('s');
      const f = (v) => { try { return v.constructor.constructor(${JSON.stringify(PROBE)})() } catch (e) { return e.message } };
      return [f(a), f(a.o), f(b), f(c), Object.getPrototypeOf(a) === Object.prototype, Array.isArray(b)];`);
    const inert = INERT.message;
    expectData(r, [inert, inert, inert, inert, true, true]);
  });

  it('from errors thrown by the host, async and sync', async () => {
    const r = await run(`
      const out = [];
      const f = (v) => { try { return v.constructor.constructor(${JSON.stringify(PROBE)})() } catch (e) { return e.message } };
      try { await $ctx.$test.fail(404, 'x') } catch (e) { out.push(f(e), e instanceof Error) }
      try { $ctx.$test.failSync() } catch (e) { out.push(f(e), e instanceof RangeError) }
      return out;`);
    expectData(r, [INERT.message, true, INERT.message, true]);
  });

  it('async and generator function constructors', async () => {
    const r = await run(`
      const out = [];
      for (const C of [(async () => {}).constructor, (function* () {}).constructor]) {
        try { out.push(typeof C(${JSON.stringify(PROBE)})) } catch (e) { out.push(e.message) }
      }
      return out;`);
    expectData(r, [INERT.message, INERT.message]);
  });

  it('the global object has no host names and no bridge leftovers (require is Enfyra\'s own, see below)', async () => {
    const r = await run(`
      const g = Function('return this')();
      const names = Object.getOwnPropertyNames(g);
      return ['process', 'module', 'Buffer', 'setTimeout', 'setImmediate', 'queueMicrotask', 'fetch',
              'WebAssembly', '__enfyraHost', '__enfyraInit', '__enfyraRun'].filter((n) => names.includes(n) || n in g);`);
    expectData(r, []);
  });
});

describe('code generation and modules', () => {
  it('direct and indirect eval run inside the isolate', async () => {
    expectData(await run(`return [eval('typeof process'), (0, eval)('typeof module'), (0, eval)('this') === globalThis]`), [
      'undefined',
      'undefined',
      true,
    ]);
  });

  it('import() from eval and from Function is refused', async () => {
    const r = await run(`
      const out = [];
      for (const load of [() => eval("import('node:child_process')"), () => Function("return import('os')")()]) {
        try { await load(); out.push('loaded') } catch (e) { out.push(e.message) }
      }
      return out;`);
    expectData(r, ['Not supported', 'Not supported']);
  });

  it('import.meta is a syntax error in a hook', async () => {
    expectError(await run(`return import.meta.url`), { name: 'SyntaxError', message: /import\.meta/ });
  });

  it("require is Enfyra's, for installed packages only: Node's modules are not available", async () => {
    expectError(await run(`return require('fs')`), { name: 'Error', message: 'Module "fs" is not available. Install it via Settings \u2192 Packages' });
    expectError(await run(`return require('node:child_process')`), { name: 'Error', message: /^Module "node:child_process" is not available/ });
  });

  it('WebAssembly is not available (its memory escapes the isolate memory limit)', async () => {
    expectData(await run(`return [typeof WebAssembly, typeof globalThis.WebAssembly, 'WebAssembly' in globalThis]`), ['undefined', 'undefined', false]);
  });

  it('Atomics.wait on a SharedArrayBuffer is stopped at the CPU limit', async () => {
    const r = await run(`const a = new Int32Array(new SharedArrayBuffer(4)); return Atomics.wait(a, 0, 0)`);
    expectError(r, cpuTimeout());
    expect(r.durationMs).toBeLessThan(CPU_BOUND_MS);
  });

  it('a huge SharedArrayBuffer is refused by the isolate allocator', async () => {
    expectError(await run(`return new SharedArrayBuffer(1e9).byteLength`), { name: 'RangeError', message: 'Array buffer allocation failed' });
  });
});

describe('stack introspection', () => {
  it('Error.prepareStackTrace cannot be installed (no frames, no functions, nothing for the next invocation)', async () => {
    expectError(await run(`Error.prepareStackTrace = (err, fs) => fs`), frozen());
  });

  it('stacks are plain text', async () => {
    expectData(await run(`return typeof new Error('x').stack`), 'string');
  });

  it('arguments.callee.caller reveals no bridge function while the result is serialized', async () => {
    const r = await run(`
      return Object.defineProperty({}, 'a', { enumerable: true, get: Function("const c = arguments.callee.caller; return c === null ? 'null' : c.name") })`);
    expectData(r, { a: 'null' });
  });

  it('arguments.callee.caller reveals no bridge function', async () => {
    const r = await run(`
      // Hooks are strict; a sloppy function made by Function is the one place arguments.callee works.
      const seen = $ctx.$test.echoSync({ toJSON: Function(
        "try { const c = arguments.callee.caller; return c === null ? 'null' : typeof c } catch (e) { return e.constructor.name }") });
      return seen;`);
    expectData(r, 'null');
  });

  it('a prepareStackTrace that loops cannot be installed', async () => {
    expectError(await run(`Error.prepareStackTrace = () => { for (;;) {} }; null.x`), frozen());
  });
});

describe('Symbol tricks', () => {
  it('Symbol.toPrimitive on a $throw message is called, as String() calls it in Enfyra; its error ends the hook', async () => {
    const r = await run(`$ctx.$throw['400']({ [Symbol.toPrimitive]() { throw new Error('prim') }, a: 1 })`);
    expectError(r, { name: 'Error', message: 'prim' });
  });

  it('Symbol.toPrimitive on a thrown object gives its message', async () => {
    expectError(await run(`throw { [Symbol.toPrimitive]() { return 'prim!' } }`), nonError('prim!'));
  });

  it('Promise[Symbol.species] cannot be redefined', async () => {
    expectError(await run(`Object.defineProperty(Promise, Symbol.species, { get() { throw new Error('species') } }); return 1`), frozen());
  });

  it('a subclass species that throws does not disturb the result', async () => {
    const r = await run(`class P extends Promise { static get [Symbol.species]() { throw new Error('species') } } return await $ctx.$test.echo(1)`);
    expectData(r, 1);
  });

  it('Array[Symbol.species] tricks do not change a returned array', async () => {
    const r = await run(`class A extends Array { static get [Symbol.species]() { throw new Error('no') } } return A.from([1, 2])`);
    expectData(r, [1, 2]);
  });

  it('Error[Symbol.hasInstance] cannot be replaced', async () => {
    expectError(await run(`Object.defineProperty(Error, Symbol.hasInstance, { value: () => true }); throw { message: 'plain' }`), frozen());
  });
});

describe('returned values with getters and toJSON', () => {
  const problem = (detail: string) => [`[enfyra-run] warning: the hook returned a value JSON cannot represent (${detail}); data is null`];

  it('a getter that throws makes the data null with a warning', async () => {
    const r = await run(`return { get a() { throw new Error('boom') } }`);
    expect(r).toMatchObject({ ok: true, data: null, returned: true, error: null });
    expect(r.logs).toStrictEqual(problem('boom'));
  });

  it('a toJSON that throws makes the data null with a warning', async () => {
    const r = await run(`return { toJSON() { throw new TypeError('no json') } }`);
    expect(r).toMatchObject({ ok: true, data: null, error: null });
    expect(r.logs).toStrictEqual(problem('no json'));
  });

  it('a toJSON returning a function gives null, as JSON does', async () => {
    const r = await run(`return { toJSON() { return () => 1 } }`);
    // Not undefined, so it counts as an answer (a pre-hook returning it answers with null, as in Enfyra).
    expect(r).toMatchObject({ ok: true, data: null, returned: true, error: null, logs: [] });
  });

  it('a toJSON that loops ends at the CPU limit', async () => {
    const r = await run(`return { toJSON() { for (;;) {} } }`);
    expectError(r, cpuTimeout());
    expect(r.durationMs).toBeLessThan(CPU_BOUND_MS);
  });

  it('a thenable result is followed, a rejecting one fails the hook', async () => {
    expectData(await run(`return { then(resolve) { resolve(5) } }`), 5);
    expectError(await run(`return { then(_, reject) { reject(new Error('thenable')) } }`), { name: 'Error', message: 'thenable' });
  });

  it('a thenable whose then loops ends at the CPU limit', async () => {
    expectError(await run(`return { then() { for (;;) {} } }`), cpuTimeout());
  });
});

describe('Proxies across the bridge', () => {
  it('a Proxy argument is copied through its traps, as plain data', async () => {
    const r = await run(`
      const p = new Proxy({}, {
        ownKeys: () => ['a', 'b'],
        getOwnPropertyDescriptor: () => ({ value: 'P', enumerable: true, configurable: true }),
        get: (t, k) => (k === 'toJSON' ? undefined : 'P'),
      });
      return await $ctx.$test.echo(p);`);
    expectData(r, { a: 'P', b: 'P' });
    expect(echo.calls.at(-1)).toStrictEqual([{ a: 'P', b: 'P' }]);
  });

  it('a Proxy argument whose traps throw, or a revoked one, arrives as a marker', async () => {
    const r = await run(`
      const bad = new Proxy({}, { ownKeys() { throw new Error('trap') }, get() { throw new Error('trap') } });
      const { proxy, revoke } = Proxy.revocable({}, {}); revoke();
      return $ctx.$probe.inspect(bad, proxy);`);
    expectData(r, [
      { marker: 'unserializable', detail: 'trap' },
      { marker: 'unserializable', detail: "Cannot perform 'get' on a proxy that has been revoked" },
    ]);
  });

  it('a Proxy result is copied as plain data', async () => {
    const r = await run(`return new Proxy([1, 2], { get: (t, k) => (k === 'length' ? 2 : k in t ? t[k] * 10 : undefined) })`);
    expectData(r, [10, 20]);
  });

  it('a Proxy result whose get trap loops ends at the CPU limit', async () => {
    expectError(await run(`return new Proxy({ a: 1 }, { get() { for (;;) {} } })`), cpuTimeout());
  });

  it('a thrown Proxy with throwing traps is reported as a non-Error value', async () => {
    const r = await run(`
      const trap = () => { throw new Error('trap') };
      throw new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });`);
    expectError(r, nonError('(error message could not be read)'));
  });
});

describe('breaking out of the function wrapper', () => {
  it('closing the wrapper early only runs code in the same (frozen) isolate', async () => {
    const r = await run(`}); globalThis.outside = typeof process; (function () {`);
    // Sloppy code outside the wrapper: the assignment to the frozen global object is silently ignored.
    expect(r).toMatchObject({ ok: true, data: null, error: null });
    expectData(await run(`return typeof outside`), 'undefined');
  });

  it('a top-level throw with looping getters outside the wrapper does not stall the host', async () => {
    const t0 = Date.now();
    const r = await run(`}); throw { get message() { for (;;) {} }, get stack() { for (;;) {} } }; (function () {`);
    expect(r.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(CPU_BOUND_MS);
  });

  it('__enfyraRun is gone once the hook started', async () => {
    expectData(await run(`return typeof __enfyraRun`), 'undefined');
  });
});
