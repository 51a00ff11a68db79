/**
 * Odd values across the bridge, in all three directions: request data coming
 * in, host-call arguments and host results, and values a hook returns or
 * leaves in the changed request fields. Everything crosses as JSON; nothing a
 * value carries (a `__proto__` key, a getter, a prototype) takes effect on the
 * host.
 */
import { describe, it, expect, afterAll, afterEach } from 'vitest';
import { adversarialSandbox, expectData, expectError, HOST_VALUES } from './support.ts';

const { sandbox, run, runData, stillServes } = adversarialSandbox();
// Copying 5 MB strings is about size, not time: a CPU budget a busy machine cannot exhaust.
const big = adversarialSandbox({ cpuTimeoutMs: 10_000, wallTimeoutMs: 30_000 });
afterEach(stillServes);
afterAll(() => {
  sandbox.close();
  big.sandbox.close();
});

const PROTO_KEY_JSON = '{"__proto__":{"polluted":true},"a":1}';

describe('request data coming in ($body, $params, $query)', () => {
  it('undefined members are dropped, in arrays they become null', async () => {
    const r = await run(`return [Object.keys($ctx.$body), $ctx.$body.b, 'a' in $ctx.$body]`, { body: { a: undefined, b: [undefined, 1] } });
    expectData(r, [['b'], [null, 1], false]);
  });

  it('NaN, Infinity and -0 arrive as null, null and 0', async () => {
    const r = await run(`const b = $ctx.$body; return [b.n, b.i, b.m, Object.is(b.z, -0), b.z]`, { body: { n: NaN, i: Infinity, m: -Infinity, z: -0 } });
    expectData(r, [null, null, null, false, 0]);
  });

  it('a BigInt is refused with a clear error, and the isolate is kept', async () => {
    const before = sandbox.poolSize;
    const r = await runData(`return 1`, { body: { n: 10n } });
    expectError(r, { name: 'TypeError', message: 'the request data cannot be copied into the sandbox: Do not know how to serialize a BigInt' });
    expect(sandbox.poolSize).toStrictEqual(before);
  });

  it('a cycle is refused with a clear error', async () => {
    const body: Record<string, unknown> = {};
    body.self = body;
    expectError(await runData(`return 1`, { body }), { name: 'TypeError', message: /^the request data cannot be copied into the sandbox: Converting circular structure to JSON/ });
  });

  it('sparse arrays arrive dense, holes as null', async () => {
    // eslint-disable-next-line no-sparse-arrays
    expectData(await runData(`return [$ctx.$params.ids, 1 in $ctx.$params.ids]`, { params: { ids: [1, , 3] } }), [[1, null, 3], true]);
  });

  it('a __proto__ key arrives as an own property, polluting nothing', async () => {
    const r = await run(
      `const b = $ctx.$body;
       return [Object.keys(b), Object.getPrototypeOf(b) === Object.prototype, b.__proto__.polluted, ({}).polluted === undefined, b.polluted === undefined]`,
      { body: JSON.parse(PROTO_KEY_JSON) },
    );
    expectData(r, [['__proto__', 'a'], true, true, true, true]);
  });

  it('a 5 MB string arrives whole', async () => {
    const r = await big.run(`const s = $ctx.$body.s; return [s.length, s.charCodeAt(0), s.charCodeAt(s.length - 1)]`, { body: { s: 'a'.repeat(5 * 1024 * 1024 - 1) + 'z' } });
    expectData(r, [5 * 1024 * 1024, 97, 122]);
  });

  it('lone surrogates arrive unchanged', async () => {
    const r = await runData(`const s = $ctx.$query.s; return [s.length, s.charCodeAt(0), s.charCodeAt(2)]`, { query: { s: '\uD800x\uDC00' } });
    expectData(r, [3, 0xd800, 0xdc00]);
  });

  it('Dates arrive as ISO strings; Maps, Sets and typed arrays as JSON makes them', async () => {
    const r = await run(`const b = $ctx.$body; return [typeof b.d, b.d, b.m, b.s, b.t]`, {
      body: { d: new Date(0), m: new Map([[1, 2]]), s: new Set([1]), t: new Uint8Array([1, 2]) },
    });
    expectData(r, ['string', '1970-01-01T00:00:00.000Z', {}, {}, { 0: 1, 1: 2 }]);
  });

  it('header names are lower-cased, odd names included', async () => {
    const r = await run(`return [Object.keys($ctx.$req.headers).filter((h) => h !== 'host'), Object.getPrototypeOf($ctx.$req.headers) === Object.prototype]`, {
      headers: { 'X-A': '1', constructor: 'c' },
    });
    expectData(r, [['x-a', 'constructor'], true]);
  });
});

describe('host-call arguments going out', () => {
  it('undefined, null, NaN, -0 and ±Infinity', async () => {
    const r = await run(`return $ctx.$probe.inspect(undefined, null, NaN, -0, Infinity, -Infinity)`);
    expectData(r, [
      { type: 'undefined' },
      { type: 'null', json: 'null' },
      { type: 'null', json: 'null' },
      { type: 'number', json: '0' },
      { type: 'null', json: 'null' },
      { type: 'null', json: 'null' },
    ]);
  });

  it('trailing undefined arguments still count', async () => {
    expectData(await run(`return [$ctx.$probe.argCount(1, undefined), $ctx.$probe.argCount(), $ctx.$probe.argCount(undefined, undefined, undefined)]`), [2, 0, 3]);
  });

  it('a BigInt at any depth is a marker naming where it was', async () => {
    const r = await run(`return $ctx.$probe.inspect(1n, { a: { b: 2n } }, [3n])`);
    expectData(r, [
      { marker: 'bigint', detail: 'BigInt at top level' },
      { marker: 'bigint', detail: 'BigInt at .b' },
      { marker: 'bigint', detail: 'BigInt at .0' },
    ]);
  });

  it('sparse arrays and nested undefined', async () => {
    // eslint-disable-next-line no-sparse-arrays
    const r = await run(`return $ctx.$probe.inspect([1, , 3], { a: undefined, b: [undefined] })`);
    expectData(r, [
      { type: 'array', json: '[1,null,3]', plainProto: true },
      { type: 'object', json: '{"b":[null]}', plainProto: true },
    ]);
  });

  it('a __proto__ key arrives as an own property on the host, polluting nothing', async () => {
    const r = await run(`return [await $ctx.$test.echo(JSON.parse(${JSON.stringify(PROTO_KEY_JSON)})), $ctx.$probe.inspect({ ['__proto__']: { polluted: true } })]`);
    expect(r.error).toBeNull();
    const [echoed, inspected] = r.data as [Record<string, unknown>, unknown];
    expect(Object.keys(echoed)).toStrictEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(echoed)).toBe(Object.prototype);
    expect(echoed.polluted).toBeUndefined();
    expect(inspected).toStrictEqual([{ type: 'object', json: '{"__proto__":{"polluted":true}}', plainProto: true }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a 5 MB string argument arrives whole', async () => {
    const r = await big.run(`const s = await $ctx.$test.echo('b'.repeat(5 * 1024 * 1024)); return [s.length, s === 'b'.repeat(5 * 1024 * 1024)]`);
    expectData(r, [5 * 1024 * 1024, true]);
  });

  it('lone surrogates arrive unchanged', async () => {
    expectData(await run(`return $ctx.$probe.inspect('\\uD800', 'a\\uDFFFb')`), [
      { type: 'string', json: '"\\ud800"' },
      { type: 'string', json: '"a\\udfffb"' },
    ]);
  });

  it('Dates, Maps, Sets, typed arrays, RegExps, Errors and symbol keys as JSON makes them', async () => {
    const r = await run(`return $ctx.$probe.inspect(new Date(0), new Map([[1, 2]]), new Set([1]), new Uint8Array([1, 2]), /x/g, new Error('e'), { [Symbol('k')]: 1, v: 2 }, new Date(NaN))`);
    expectData(r, [
      { type: 'string', json: '"1970-01-01T00:00:00.000Z"' },
      { type: 'object', json: '{}', plainProto: true },
      { type: 'object', json: '{}', plainProto: true },
      { type: 'object', json: '{"0":1,"1":2}', plainProto: true },
      { type: 'object', json: '{}', plainProto: true },
      { type: 'object', json: '{}', plainProto: true },
      { type: 'object', json: '{"v":2}', plainProto: true },
      { type: 'null', json: 'null' },
    ]);
  });

  it('cycles through arrays and objects are markers', async () => {
    expectData(await run(`const a = []; a.push({ a }); const o = { list: [] }; o.list.push(o); return $ctx.$probe.inspect(a, o)`), [
      { marker: 'circular', detail: 'circular structure' },
      { marker: 'circular', detail: 'circular structure' },
    ]);
  });

  it('a getter that throws is a marker carrying its message', async () => {
    expectData(await run(`return $ctx.$probe.inspect({ get x() { throw new RangeError('no x') } })`), [{ marker: 'unserializable', detail: 'no x' }]);
  });

  it('dynamic-member arguments get the member name first, nothing else', async () => {
    expectData(await run(`return await $ctx.$dyn['__proto__'].get(undefined, 1n)`), ['__proto__', null, { kind: 'bigint', detail: 'BigInt at top level' }]);
  });
});

describe('host results coming back', () => {
  const cases: Array<[string, unknown]> = [
    ['undefined', 'undefined'],
    ['nan', null],
    ['negZero', 0],
    ['infinity', null],
    ['map', {}],
    ['date', '1970-01-01T00:00:00.000Z'],
    ['sparse', [1, null, 3]],
    ['nestedUndefined', { b: [null] }],
    ['fn', 'undefined'],
    ['symbol', 'undefined'],
  ];
  for (const [kind, expected] of cases) {
    it(`a host ${kind} arrives as JSON makes it, sync and async`, async () => {
      const r = await run(`const v = $ctx.$probe.value('${kind}'); const w = await $ctx.$probe.valueAsync('${kind}');
        return [v === undefined ? 'undefined' : v, w === undefined ? 'undefined' : w]`);
      expectData(r, [expected, expected]);
    });
  }

  it('a host value JSON cannot carry is a catchable TypeError, sync and async, and the host keeps running', async () => {
    const r = await run(`
      const out = [];
      for (const kind of ['bigint', 'nestedBigint', 'cycle', 'throwingToJSON']) {
        try { $ctx.$probe.value(kind); out.push('no error') } catch (e) { out.push(e.name + ': ' + e.message) }
        try { await $ctx.$probe.valueAsync(kind); out.push('no error') } catch (e) { out.push(e.name + ': ' + e.message) }
      }
      return out;`);
    expect(r.error).toBeNull();
    const lines = r.data as string[];
    expect(lines).toHaveLength(8);
    const fragments = ['BigInt', 'BigInt', 'circular', 'host toJSON failed'];
    lines.forEach((line, i) => {
      expect(line).toMatch(/^TypeError: the host returned a value JSON cannot represent: /);
      expect(line).toContain(fragments[Math.floor(i / 2)]);
    });
  });

  it('a __proto__ key from the host is an own property inside the isolate', async () => {
    const r = await run(`const v = $ctx.$probe.value('protoKey'); return [Object.keys(v), Object.getPrototypeOf(v) === Object.prototype, v.polluted === undefined, ({}).polluted === undefined]`);
    expectData(r, [['__proto__', 'a'], true, true, true]);
  });

  it('lone surrogates and a 1 MB string from the host arrive unchanged', async () => {
    const r = await run(`const s = await $ctx.$probe.valueAsync('lone'); const l = $ctx.$probe.value('long'); return [s.length, s.charCodeAt(0), s.charCodeAt(2), l.length, l === 'y'.repeat(1e6)]`);
    expectData(r, [3, 0xd800, 0xdc00, 1_000_000, true]);
    expect(HOST_VALUES.lone!()).toBe('\uD800x\uDC00');
  });
});

describe('values a hook returns', () => {
  it('-0 becomes 0; sparse arrays become dense', async () => {
    // eslint-disable-next-line no-sparse-arrays
    expectData(await run(`return [-0, [1, , 3]]`), [0, [1, null, 3]]);
  });

  it('a __proto__ key comes out as an own property, polluting nothing on the host', async () => {
    const r = await run(`return JSON.parse(${JSON.stringify(PROTO_KEY_JSON)})`);
    expect(r.error).toBeNull();
    const data = r.data as Record<string, unknown>;
    expect(Object.keys(data)).toStrictEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lone surrogates come out unchanged', async () => {
    expectData(await run(`return ['\\uD800', 'x\\uDC00y']`), ['\uD800', 'x\uDC00y']);
  });

  it('a 5 MB string comes out whole', async () => {
    const r = await big.run(`return 'c'.repeat(5 * 1024 * 1024)`);
    expect(r.error).toBeNull();
    expect(r.data).toBe('c'.repeat(5 * 1024 * 1024));
  });

  it('Dates, Sets, typed arrays, invalid Dates, class instances and symbol keys as JSON makes them', async () => {
    const r = await run(`class P { constructor() { this.x = 1 } get y() { return 2 } }
      return [new Date(0), new Set([1]), new Float64Array([1.5]), new Date(NaN), new P(), { [Symbol('s')]: 1, k: 2 }, Object.defineProperty({}, 'hidden', { value: 1 })]`);
    expectData(r, ['1970-01-01T00:00:00.000Z', {}, { 0: 1.5 }, null, { x: 1 }, { k: 2 }, {}]);
  });

  it('a top-level BigInt is null with a warning', async () => {
    const r = await run(`return 5n`);
    expect(r).toMatchObject({ ok: true, data: null, returned: true, error: null });
    expect(r.logs).toStrictEqual(['[enfyra-run] warning: the hook returned a value JSON cannot represent (BigInt at top level); data is null']);
  });

  it('changed fields carry __proto__ keys as own properties and leave out what JSON cannot carry', async () => {
    const r = await run(`$ctx.$body = JSON.parse(${JSON.stringify(PROTO_KEY_JSON)}); $ctx.$statusCode = 10n; $ctx.$share = { f() {} , k: 1 }; return 1`);
    expect(r.error).toBeNull();
    // A field JSON cannot carry (a BigInt) is left out, not half-copied; a function member is dropped, as JSON does.
    expect(Object.keys(r.changed)).toStrictEqual(['$body', '$query', '$share', '$data']);
    expect(r.changed.$share).toStrictEqual({ k: 1 });
    const body = r.changed.$body as Record<string, unknown>;
    expect(Object.keys(body)).toStrictEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
