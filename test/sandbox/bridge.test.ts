import { describe, it, expect, afterAll } from 'vitest';
import { testSandbox } from '../support/sandbox.ts';

const { sandbox, run } = testSandbox();
afterAll(() => sandbox.close());

describe('hook bodies', () => {
  it('support top-level await and return; the returned value is the data', async () => {
    const r = await run(`const a = await $ctx.$test.echo(20); return a + 22;`);
    expect(r).toMatchObject({ ok: true, data: 42, returned: true, error: null });
  });

  it('report returning nothing as data null and returned false', async () => {
    const r = await run(`await $ctx.$test.echo(1);`);
    expect(r).toMatchObject({ ok: true, data: null, returned: false });
  });

  it('see the request surface', async () => {
    const r = await run(
      `return { p: $ctx.$params.id, q: $ctx.$query.page, b: $ctx.$body, u: $ctx.$user, m: $ctx.$req.method, h: $ctx.$req.headers['x-trace'], ip: $ctx.$req.ip, env: $ctx.$env.APP_MODE, api: $ctx.$api.request.url }`,
      { params: { id: '123' }, query: { page: '2' }, body: { a: 1 }, user: { id: 7 }, method: 'post', url: '/items', headers: { 'X-Trace': 't1' }, ip: '10.0.0.1' },
    );
    expect(r.data).toEqual({ p: '123', q: '2', b: { a: 1 }, u: { id: 7 }, m: 'POST', h: 't1', ip: '10.0.0.1', env: 'test', api: '/items?page=2' });
  });

  it('get a fresh context every time: globals set by one invocation are gone in the next', async () => {
    await run(`globalThis.leak = 1; Object.prototype.polluted = true; $ctx.$test.echo = () => 'hijacked';`);
    const r = await run(`return [typeof leak, ({}).polluted === undefined, await $ctx.$test.echo('real')];`);
    expect(r.data).toEqual(['undefined', true, 'real']);
  });
});

describe('values returned by a hook', () => {
  const cases: Array<[string, string, unknown]> = [
    ['undefined', 'return undefined', null],
    ['null', 'return null', null],
    ['a number', 'return 3.5', 3.5],
    ['a string', 'return "123"', '123'],
    ['an array', 'return [1, "a", null]', [1, 'a', null]],
    ['a Date (ISO string, as JSON)', 'return new Date(0)', '1970-01-01T00:00:00.000Z'],
    ['Infinity (null, as JSON)', 'return 1/0', null],
    ['NaN (null)', 'return NaN', null],
    ['a function (null)', 'return () => 1', null],
    ['a symbol (null)', 'return Symbol("x")', null],
    ['nested undefined is dropped', 'return { a: undefined, b: 1 }', { b: 1 }],
    ['a Map (an empty object, as JSON)', 'return new Map([[1, 2]])', {}],
  ];
  for (const [label, code, expected] of cases) {
    it(label, async () => {
      const r = await run(code);
      expect(r.ok).toBe(true);
      expect(r.data).toEqual(expected);
    });
  }

  it('a cyclic object becomes null with a warning in the logs', async () => {
    const r = await run('const a = {}; a.self = a; return a;');
    expect(r).toMatchObject({ ok: true, data: null });
    expect(r.logs.join('\n')).toMatch(/\[enfyra-run\] warning: .*circular/);
  });

  it('a BigInt becomes null with a warning', async () => {
    const r = await run('return { n: 10n }');
    expect(r.data).toBeNull();
    expect(r.logs.join('\n')).toMatch(/BigInt/);
  });
});

describe('$throw and errors', () => {
  const names: Record<string, string> = {
    400: 'BadRequestException', 401: 'UnauthorizedException', 403: 'ForbiddenException', 404: 'NotFoundException',
    409: 'ConflictException', 422: 'UnprocessableEntityException', 429: 'TooManyRequestsException',
    500: 'InternalServerErrorException', 503: 'ServiceUnavailableException',
  };
  for (const [status, name] of Object.entries(names)) {
    it(`$throw['${status}'] ends the hook with ${status}`, async () => {
      const r = await run(`$ctx.$throw['${status}']('nope', { field: 'x' }); return 'not reached';`);
      expect(r.ok).toBe(false);
      expect(r.error).toMatchObject({ statusCode: Number(status), name, message: 'nope', details: { field: 'x' }, code: 'HTTP_ERROR' });
    });
  }

  it('runs finally blocks before ending', async () => {
    const r = await run(`try { $ctx.$throw['409']('busy') } finally { $ctx.$logs('cleaned up') }`);
    expect(r.error?.statusCode).toBe(409);
    expect(r.logs).toEqual(['cleaned up']);
  });

  it('a $throw the script catches does not end it', async () => {
    const r = await run(`try { $ctx.$throw['404']('x') } catch (e) { return [e.message, e.name, e.statusCode, e instanceof Error] }`);
    expect(r.data).toEqual(['x', 'NotFoundException', 404, true]);
  });

  it('plain errors keep their name and message and carry no status', async () => {
    const r = await run(`null.x`);
    expect(r.error).toMatchObject({ statusCode: null, name: 'TypeError' });
    expect(r.error?.message).toMatch(/null/);
  });

  it('throwing an object with statusCode 200 does not fake a success', async () => {
    const r = await run(`throw { statusCode: 200, message: 'ok' }`);
    expect(r.ok).toBe(false);
    expect(r.error?.statusCode).toBeNull();
    expect(r.error?.message).toMatch(/non-Error value: ok/);
  });

  for (const [label, code, fragment] of [
    ['a string', `throw 'boom'`, 'boom'],
    ['a number', `throw 42`, '42'],
    ['null', `throw null`, 'null'],
  ] as const) {
    it(`throwing ${label} gives a defined error`, async () => {
      const r = await run(code);
      expect(r.error).toMatchObject({ statusCode: null, name: 'Error' });
      expect(r.error?.message).toContain(fragment);
    });
  }

  it('host errors reach the script as catchable errors with name, message and status', async () => {
    const r = await run(`
      try { await $ctx.$test.fail(503, 'cache down') } catch (e) { return [e.name, e.message, e.statusCode, e instanceof Error] }`);
    expect(r.data).toEqual(['ServiceUnavailableException', 'cache down', 503, true]);
    const t = await run(`try { await $ctx.$test.fail('x', 'key must be a string') } catch (e) { return [e instanceof TypeError, e.message] }`);
    expect(t.data).toEqual([true, 'key must be a string']);
    const s = await run(`try { $ctx.$test.failSync() } catch (e) { return [e instanceof RangeError, e.message] }`);
    expect(s.data).toEqual([true, 'out of range']);
  });

  it('an uncaught host error ends the hook with its status', async () => {
    const r = await run(`await $ctx.$test.fail(404, 'no such row')`);
    expect(r.error).toMatchObject({ statusCode: 404, name: 'NotFoundException', message: 'no such row' });
  });

  it('syntax errors name the file, line and column of the original source', async () => {
    const r = await run(`const ok = 1;\nconst x = ;`);
    expect(r.error?.name).toBe('SyntaxError');
    expect(r.error?.message).toContain('hooks/test.js:2:');
  });

  it('runtime errors keep line numbers of the original file', async () => {
    const r = await run(`\n\nundefinedFunction();`);
    expect(r.error?.name).toBe('ReferenceError');
  });
});

describe('$logs', () => {
  it('collects any values in order', async () => {
    const r = await run(`$ctx.$logs('a', 1, { b: [2] }, null, undefined, 5n, new Error('e')); console.log('via console');`);
    expect(r.logs).toEqual(['a 1 {"b":[2]} null undefined 5n Error: e', 'via console']);
  });

  it('keeps at most maxLogs lines and says how many it dropped', async () => {
    const small = testSandbox({ maxLogs: 3 });
    const r = await small.run(`for (let i = 0; i < 10; i++) $ctx.$logs('line ' + i)`);
    small.sandbox.close();
    expect(r.logs.slice(0, 3)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(r.logs[3]).toMatch(/7 log line\(s\) dropped/);
  });
});

describe('arguments crossing the bridge', () => {
  it('arrive as JSON values; undefined as undefined; functions, symbols, BigInt and cycles as markers', async () => {
    const r = await run(`const c = {}; c.c = c; return $ctx.$test.describe('s', 1, undefined, () => 1, Symbol('s'), 2n, c, { f() {} }, new Date(0))`);
    expect(r.data).toEqual(['string', 'number', 'undefined', 'bad:function', 'bad:symbol', 'bad:bigint', 'bad:circular', 'bad:function', 'string']);
  });

  it('changes to $body, $query, $share, $data and $statusCode come back to the host', async () => {
    const r = await run(`$ctx.$body.added = true; $ctx.$query = { q: 1 }; $ctx.$share.user = 'x'; $ctx.$data = [1]; $ctx.$statusCode = 201;`, { body: { a: 1 } });
    expect(r.changed).toEqual({ $body: { a: 1, added: true }, $query: { q: 1 }, $share: { $logs: [], user: 'x' }, $data: [1], $statusCode: 201 });
  });

  it('limits host calls in flight', async () => {
    const small = testSandbox({ maxPendingHostCalls: 5 });
    const r = await small.run(`const ps = []; for (let i = 0; i < 6; i++) ps.push($ctx.$test.echo(i)); try { await Promise.all(ps) } catch (e) { return e.message }`);
    small.sandbox.close();
    expect(r.data).toMatch(/too many host calls in flight \(limit 5\)/);
  });
});
