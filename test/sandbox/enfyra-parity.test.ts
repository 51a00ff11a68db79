/**
 * The isolate side as Enfyra 2.2 behaves (PARITY.md §1, §3, §8): `$throw` as a proxy with the
 * ScriptErrorFactory forms, logs as JSON entries, values as JSON copies them, the web globals
 * Enfyra defines, strict mode, error positions and the 408 timeout.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { testSandbox } from '../support/sandbox.ts';
import { compileScript } from '../../runtime/compile/compile.ts';
import { contextData } from '../../runtime/context/request.ts';

const { sandbox, run } = testSandbox();
afterAll(() => sandbox.close());

describe('$throw', () => {
  it('any status key works, with Enfyra\'s default message and no details', async () => {
    const r = await run(`$ctx.$throw['418']()`);
    expect(r.error).toMatchObject({ statusCode: 418, name: 'HttpException', message: 'Error', code: 'HTTP_ERROR' });
    expect(r.error).not.toHaveProperty('details');
  });

  const defaults: Array<[number, string]> = [
    [400, 'Bad request'], [401, 'Unauthorized'], [403, 'Forbidden'], [404, 'Not found'], [409, 'Conflict'],
    [422, 'Validation failed'], [429, 'Too many requests'], [500, 'Internal server error'], [503, 'Service unavailable'],
  ];
  for (const [status, message] of defaults) {
    it(`$throw['${status}']() without a message says '${message}'`, async () => {
      for (const arg of ['', 'undefined', 'null', "''"]) {
        const r = await run(`$ctx.$throw['${status}'](${arg})`);
        expect(r.error).toMatchObject({ statusCode: status, message });
      }
    });
  }

  it('details is the second argument as given; a non-string message is String()ed', async () => {
    const r = await run(`$ctx.$throw['422']({ a: 1 }, [{ field: 'name' }], 'ignored')`);
    expect(r.error).toMatchObject({ statusCode: 422, message: '[object Object]', details: [{ field: 'name' }] });
  });

  it('$throw.http keeps status, message and details', async () => {
    const r = await run(`$ctx.$throw.http(409, 'Project already exists', { field: 'slug' })`);
    expect(r.error).toMatchObject({ statusCode: 409, message: 'Project already exists', details: { field: 'slug' }, code: 'HTTP_ERROR' });
  });

  it('notFound and duplicate give Enfyra\'s messages', async () => {
    const nf = await run(`$ctx.$throw.notFound('Project', 'p_123')`);
    expect(nf.error).toMatchObject({ statusCode: 404, message: "Project with identifier 'p_123' not found", code: 'RESOURCE_NOT_FOUND', details: { resource: 'Project', identifier: 'p_123' } });
    const bare = await run(`$ctx.$throw.notFound('Project')`);
    expect(bare.error).toMatchObject({ statusCode: 404, message: 'Project not found' });
    const dup = await run(`$ctx.$throw.duplicate('Project', 'slug', 'demo')`);
    expect(dup.error).toMatchObject({ statusCode: 409, message: "Project with slug 'demo' already exists", code: 'DUPLICATE_RESOURCE' });
  });

  const forms: Array<[string, number, string, string]> = [
    [`businessLogic('no')`, 400, 'BUSINESS_LOGIC_ERROR', 'no'],
    [`validation('bad')`, 422, 'VALIDATION_ERROR', 'bad'],
    [`unauthorized()`, 401, 'AUTHENTICATION_ERROR', 'Unauthorized'],
    [`forbidden()`, 403, 'AUTHORIZATION_ERROR', 'Forbidden'],
    [`tokenExpired()`, 401, 'TOKEN_EXPIRED', 'Token has expired'],
    [`invalidToken()`, 401, 'INVALID_TOKEN', 'Invalid token provided'],
    [`database('db')`, 500, 'DATABASE_ERROR', 'db'],
    [`dbQuery('q')`, 400, 'DATABASE_QUERY_ERROR', 'q'],
    [`externalService('stripe', 'down')`, 502, 'EXTERNAL_SERVICE_ERROR', "External service 'stripe' error: down"],
    [`serviceUnavailable('mail')`, 503, 'SERVICE_UNAVAILABLE', "Service 'mail' is currently unavailable"],
    [`rateLimit(10, 'minute')`, 429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded. Maximum 10 requests per minute'],
    [`scriptError('x')`, 400, 'SCRIPT_EXECUTION_ERROR', 'Script execution failed: x'],
    [`scriptTimeout(50)`, 408, 'SCRIPT_TIMEOUT', 'Script execution timed out after 50ms'],
    [`schema('s')`, 400, 'SCHEMA_ERROR', 's'],
    [`config('c', 'KEY')`, 500, 'CONFIGURATION_ERROR', 'Configuration error: c'],
    [`fileUpload('f')`, 400, 'FILE_UPLOAD_ERROR', 'f'],
    [`fileNotFound('/a')`, 404, 'FILE_NOT_FOUND', 'File not found: /a'],
    [`fileSizeExceeded('1MB', '2MB')`, 413, 'FILE_SIZE_EXCEEDED', 'File size exceeded. Maximum: 1MB, Actual: 2MB'],
  ];
  for (const [call, statusCode, code, message] of forms) {
    it(`$throw.${call}`, async () => {
      const r = await run(`$ctx.$throw.${call}`);
      expect(r.error).toMatchObject({ statusCode, code, message });
    });
  }

  it('cannot be replaced or extended by a script', async () => {
    const r = await run(`'use strict'; try { $ctx.$throw['404'] = () => 1 } catch (e) { return e instanceof TypeError }`);
    expect(r.data).toBe(true);
  });
});

describe('logs as Enfyra keeps them', () => {
  it('each argument is its own entry and objects stay objects', async () => {
    const r = await run(`$ctx.$logs('visible-log', { ok: true }); console.warn(1, [2], null, undefined, 5n, new Error('e'), () => 1);`);
    expect(r.logEntries).toEqual(['visible-log', { ok: true }, 1, [2], null, 'undefined', '5', {}, '() => 1']);
    expect(r.logs).toEqual(['visible-log {"ok":true}', '1 [2] null undefined 5n Error: e () => 1']);
  });

  it('the entries are in $share.$logs too, after any earlier hook\'s', async () => {
    const r = await run(`$ctx.$logs('b', { c: 1 }); return $ctx.$share.$logs;`, { share: { $logs: ['a'] } as never });
    expect(r.data).toEqual(['a', 'b', { c: 1 }]);
    expect(r.changed.$share).toEqual({ $logs: ['a', 'b', { c: 1 }] });
  });

  it('keeps at most maxLogs entries', async () => {
    const small = testSandbox({ maxLogs: 3 });
    const r = await small.run(`for (let i = 0; i < 10; i++) $ctx.$logs(i, i)`);
    small.sandbox.close();
    expect(r.logEntries).toEqual([0, 0, 1]);
  });
});

describe('values as JSON copies them', () => {
  it('a function member is dropped, the rest kept', async () => {
    const r = await run(`return { f: () => 1, a: 1, nested: { g() {}, b: 2 } }`);
    expect(r).toMatchObject({ ok: true, data: { a: 1, nested: { b: 2 } }, returned: true });
    expect(r.logs).toEqual([]);
  });

  it('a function in an array becomes null', async () => {
    const r = await run(`return [1, () => 1, Symbol('s'), 2]`);
    expect(r.data).toEqual([1, null, null, 2]);
  });

  it('$body with a function member comes back without it', async () => {
    const r = await run(`$ctx.$body.fn = () => 1; $ctx.$body.x = 1;`, { body: { a: 1 } });
    expect(r.changed.$body).toEqual({ a: 1, x: 1 });
  });
});

describe('globals Enfyra defines', () => {
  it('global is globalThis', async () => {
    const r = await run(`return global === globalThis`);
    expect(r.data).toBe(true);
  });

  it('URL parses and edits as WHATWG says', async () => {
    const r = await run(`
      const u = new URL('/a/b?x=1&y=two#h', 'https://user:pw@example.com:8443');
      const before = [u.href, u.origin, u.protocol, u.username, u.host, u.hostname, u.port, u.pathname, u.search, u.hash];
      u.searchParams.append('z', 'a b');
      u.pathname = '/c';
      return { before, after: u.href, json: JSON.stringify({ u }), x: u.searchParams.get('x'), can: [URL.canParse('nope'), URL.canParse('http://x')] };`);
    expect(r.data).toEqual({
      before: ['https://user:pw@example.com:8443/a/b?x=1&y=two#h', 'https://example.com:8443', 'https:', 'user', 'example.com:8443', 'example.com', '8443', '/a/b', '?x=1&y=two', '#h'],
      after: 'https://user:pw@example.com:8443/c?x=1&y=two&z=a+b#h',
      json: '{"u":"https://user:pw@example.com:8443/c?x=1&y=two&z=a+b#h"}',
      x: '1',
      can: [false, true],
    });
  });

  it('an invalid URL throws a TypeError', async () => {
    const r = await run(`try { new URL('not a url') } catch (e) { return [e instanceof TypeError, e.message] }`);
    expect(r.data).toEqual([true, 'Invalid URL: not a url']);
  });

  it('URLSearchParams parses, edits and serializes as Node does', async () => {
    const code = `
      const p = new URLSearchParams('?a=1&b=%20x+y&a=2&c');
      p.append('d', "it's ~ok!");
      p.set('a', '3');
      p.delete('c');
      const fromObject = new URLSearchParams({ q: 'x&y', n: 1 }).toString();
      const fromPairs = new URLSearchParams([['k', 'v']]).toString();
      p.sort();
      return { s: p.toString(), all: [...p], b: p.get('b'), none: p.get('zz'), has: p.has('d'), size: p.size, fromObject, fromPairs };`;
    const r = await run(code);
    // The same code run by Node's own URLSearchParams.
    const expected = new Function(code)();
    expect(r.data).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('TextEncoder and TextDecoder round-trip UTF-8', async () => {
    const r = await run(`
      const bytes = new TextEncoder().encode('héllo €𝄞');
      const dest = new Uint8Array(4);
      const into = new TextEncoder().encodeInto('€a', dest);
      return { bytes: [...bytes], text: new TextDecoder().decode(bytes), bad: new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62])), into, dest: [...dest] };`);
    const bytes = [...new TextEncoder().encode('héllo €𝄞')];
    expect(r.data).toEqual({ bytes, text: 'héllo €𝄞', bad: 'a\uFFFDb', into: { read: 2, written: 4 }, dest: [0xe2, 0x82, 0xac, 0x61] });
  });
});

describe('strict mode, as Enfyra wraps scripts', () => {
  it('assigning an undeclared name is a ReferenceError', async () => {
    const r = await run(`undeclared = 1; return 1`);
    expect(r.error).toMatchObject({ name: 'ReferenceError' });
  });

  it('this is undefined at the top of a script', async () => {
    const r = await run(`return typeof this`);
    expect(r.data).toBe('undefined');
  });
});

describe('where an uncaught error was raised', () => {
  it('line and column in the hook, with a code frame', async () => {
    const r = await run(`const first = 'row 1';\nconst second = missingValue + 1;\nreturn { first, second };`);
    expect(r.error).toMatchObject({ name: 'ReferenceError', position: { line: 2, column: 16 } });
    expect(r.error?.codeFrame).toContain('missingValue');
    expect(r.error?.codeFrame).toMatch(/> 2 \|/);
  });

  it('an error thrown by $throw points at the $throw call', async () => {
    const r = await run(`\n  $ctx.$throw['400']('x');`);
    expect(r.error?.position).toEqual({ line: 2, column: 21 });
  });

  it('positions are in the source as written: template syntax and TypeScript', async () => {
    const compiled = compileScript(`const n: number = 1;\nconst v = @BODY.missing.deep;\nreturn n;`, { filename: 'hooks/t.ts' });
    const r = await sandbox.invoke(compiled, contextData({}, {}));
    expect(r.error?.name).toBe('TypeError');
    expect(r.error?.position?.line).toBe(2);
    expect(r.error?.codeFrame).toContain('@BODY.missing.deep');
  });
});

describe('timeouts as Enfyra reports them', () => {
  it('the wall-clock limit is a 408 SCRIPT_TIMEOUT naming the timeout; a caller can set it per invocation', async () => {
    const r = await sandbox.invoke({ filename: 'hooks/slow.js', code: 'await new Promise(() => {})' }, contextData({}, {}), undefined, 'handler', { wallTimeoutMs: 120 });
    expect(r.error).toEqual({ statusCode: 408, name: 'ScriptTimeoutException', code: 'SCRIPT_TIMEOUT', message: 'Script execution timed out after 120ms', limit: 'wall' });
  });
});
