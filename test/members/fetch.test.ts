/** $helpers.$fetch against a local HTTP server: Enfyra's options, limits, errors, the address guard and stubs. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchModule } from '../../runtime/members/fetch/fetch-module.ts';
import { answerFromStubs } from '../../runtime/members/fetch/stubs.ts';
import { membersSandbox } from './support.ts';

const ownName = os.hostname();
const ownNameIsLoopback = (await lookup(ownName, { all: true }).catch(() => [])).some((a) => a.address.startsWith('127.') || a.address === '::1');

let server: http.Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    const url = new URL(req.url!, 'http://x');
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      switch (url.pathname) {
        case '/json':
          res.setHeader('content-type', 'application/json');
          return res.end(JSON.stringify({ ok: true, q: Object.fromEntries(url.searchParams) }));
        case '/echo':
          res.setHeader('content-type', 'application/json');
          return res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, body }));
        case '/text':
          return res.end('plain words');
        case '/empty':
          return res.end('');
        case '/big':
          return res.end('x'.repeat(2000));
        case '/chunked': {
          res.write('y'.repeat(1500));
          return res.end('y'.repeat(1500));
        }
        case '/missing':
          res.statusCode = 404;
          return res.end('no such thing');
        case '/redirect':
          res.statusCode = 302;
          res.setHeader('location', '/json?from=redirect');
          return res.end();
        case '/loop':
          res.statusCode = 301;
          res.setHeader('location', '/loop');
          return res.end();
        case '/slow':
          setTimeout(() => res.end('late'), 3000).unref();
          return;
        default:
          res.statusCode = 500;
          return res.end('unexpected');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('$helpers.$fetch with fetch.allowPrivate (a loopback test server)', () => {
  const { sandbox, run } = membersSandbox([createFetchModule({ allowPrivate: true })]);
  afterAll(() => sandbox.close());
  const call = (expr: string) =>
    run(`try { return { value: await ${expr} }; } catch (e) { return { error: e.name + ': ' + e.message }; }`);

  it('parses JSON by default, sends query values as strings or JSON, warns that Enfyra would refuse', async () => {
    const ok = await run(`return await $ctx.$helpers.$fetch(${JSON.stringify(base + '/json')}, { query: { a: 'x', n: 2, o: { k: 1 }, skip: null } });`);
    expect(ok.error).toBeNull();
    expect(ok.data).toEqual({ ok: true, q: { a: 'x', n: '2', o: '{"k":1}' } });
    expect(ok.effects).toEqual([{ type: 'fetch', method: 'GET', url: `${base}/json?a=x&n=2&o=%7B%22k%22%3A1%7D`, status: 200, bytes: expect.any(Number) }]);
    expect(ok.warnings).toEqual([expect.objectContaining({ code: 'fetch.private-allowed' })]);
  });

  it('an object body is sent as JSON with POST by default; text and empty responses', async () => {
    const outcome = await run(`
      const f = $ctx.$helpers.$fetch;
      return [
        await f(${JSON.stringify(base + '/echo')}, { body: { a: 1 } }),
        await f(${JSON.stringify(base + '/echo')}, { method: 'PUT', body: 'raw', headers: { 'content-type': 'text/plain' } }),
        await f(${JSON.stringify(base + '/text')}, { responseType: 'text' }),
        await f(${JSON.stringify(base + '/empty')}),
      ];
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toEqual([
      { method: 'POST', type: 'application/json', body: '{"a":1}' },
      { method: 'PUT', type: 'text/plain', body: 'raw' },
      'plain words',
      null,
    ]);
  });

  it('follows redirects up to maxRedirects, recording the final URL', async () => {
    const followed = await run(`return await $ctx.$helpers.$fetch(${JSON.stringify(base + '/redirect')});`);
    expect(followed.data).toEqual({ ok: true, q: { from: 'redirect' } });
    expect(followed.effects[0]).toMatchObject({ url: `${base}/json?from=redirect`, redirects: 1, status: 200 });
    const loop = await call(`$ctx.$helpers.$fetch(${JSON.stringify(base + '/loop')})`);
    expect(loop.data).toEqual({ error: 'Error: Too many redirects (3)' });
    const none = await call(`$ctx.$helpers.$fetch(${JSON.stringify(base + '/redirect')}, { maxRedirects: 0 })`);
    expect(none.data).toEqual({ error: 'Error: Too many redirects (0)' });
  });

  it('throws on non-2xx with the status and the start of the body', async () => {
    const outcome = await call(`$ctx.$helpers.$fetch(${JSON.stringify(base + '/missing')})`);
    expect(outcome.data).toEqual({ error: 'Error: Fetch failed with 404: no such thing' });
    expect(outcome.effects[0]).toMatchObject({ status: 404, error: 'Fetch failed with 404: no such thing' });
  });

  it('size limits: content-length, a streamed body and the per-invocation total', async () => {
    const outcome = await run(`
      const f = $ctx.$helpers.$fetch, out = [];
      for (const [path, opts] of [['/big', { maxBytes: 1000 }], ['/chunked', { maxBytes: 2000 }]]) {
        try { await f(${JSON.stringify(base)} + path, { ...opts, responseType: 'text' }); out.push('ok'); } catch (e) { out.push(e.message); }
      }
      try {
        await f(${JSON.stringify(base + '/big')}, { responseType: 'text', maxTotalBytes: 3000 });
        await f(${JSON.stringify(base + '/big')}, { responseType: 'text', maxTotalBytes: 3000 });
        out.push('ok');
      } catch (e) { out.push(e.message); }
      return out;
    `);
    expect(outcome.data).toEqual([
      'Response too large (2000 bytes)',
      expect.stringMatching(/^Response too large \(\d+ bytes\)$/),
      'Fetch total bytes limit exceeded (3000 bytes)',
    ]);
  });

  it('counts requests per invocation against maxRequests', async () => {
    const outcome = await run(`
      const f = $ctx.$helpers.$fetch;
      await f(${JSON.stringify(base + '/text')}, { responseType: 'text', maxRequests: 2 });
      await f(${JSON.stringify(base + '/text')}, { responseType: 'text', maxRequests: 2 });
      try { await f(${JSON.stringify(base + '/text')}, { maxRequests: 2 }); } catch (e) { return e.message; }
    `);
    expect(outcome.data).toBe('Fetch request limit exceeded (2)');
    expect(outcome.effects).toHaveLength(2);
  });

  it('times out after timeoutMs with the AbortError native fetch throws', async () => {
    const outcome = await call(`$ctx.$helpers.$fetch(${JSON.stringify(base + '/slow')}, { timeoutMs: 200 })`);
    expect(outcome.data).toEqual({ error: 'AbortError: This operation was aborted' });
  });

  it("responseType 'arrayBuffer' arrives as {} (Enfyra's JSON bridge) and warns", async () => {
    const outcome = await run(`return await $ctx.$helpers.$fetch(${JSON.stringify(base + '/text')}, { responseType: 'arrayBuffer' });`);
    expect(outcome.data).toEqual({});
    expect(outcome.warnings.map((w) => w.code)).toContain('fetch.array-buffer-empty');
  });

  it('a bad URL is a TypeError; other protocols are refused', async () => {
    const outcome = await run(`
      const out = [];
      for (const u of ['not a url', 'ftp://example.com/x', 'file:///etc/passwd']) {
        try { await $ctx.$helpers.$fetch(u); } catch (e) { out.push(e.name + ': ' + e.message); }
      }
      return out;
    `);
    expect(outcome.data).toEqual(['TypeError: Invalid URL', 'Error: Protocol "ftp:" is not allowed', 'Error: Protocol "file:" is not allowed']);
  });
});

describe('$helpers.$fetch address guard (the default: Enfyra refuses private targets)', () => {
  const { sandbox, run } = membersSandbox([createFetchModule()]);
  afterAll(() => sandbox.close());

  it('refuses loopback and private literals and localhost names without connecting', async () => {
    const before = hits;
    const outcome = await run(`
      const out = [];
      for (const u of [${JSON.stringify(base + '/json')}, 'http://localhost:1/', 'http://api.localhost/', 'http://10.1.2.3/', 'http://192.168.0.1/', 'http://169.254.169.254/latest', 'http://[::1]:1/', 'http://[::ffff:127.0.0.1]:1/', 'http://0.0.0.0:1/']) {
        try { await $ctx.$helpers.$fetch(u); out.push('reached'); } catch (e) { out.push(e.message); }
      }
      return out;
    `);
    expect(outcome.data).toEqual([
      'Private IP targets are not allowed',
      'Private/localhost targets are not allowed',
      'Private/localhost targets are not allowed',
      'Private IP targets are not allowed',
      'Private IP targets are not allowed',
      'Private IP targets are not allowed',
      'Private IP targets are not allowed',
      'Private IP targets are not allowed',
      'Private IP targets are not allowed',
    ]);
    expect(hits).toBe(before);
    expect(outcome.effects).toHaveLength(9);
    expect(outcome.effects[0]).toMatchObject({ type: 'fetch', error: 'Private IP targets are not allowed' });
  });

  it.skipIf(!ownNameIsLoopback)('refuses a name whose DNS answer is a loopback address (uses this machine\'s name; skipped where it does not resolve to loopback)', async () => {
    const name = ownName;
    const port = (server.address() as AddressInfo).port;
    const before = hits;
    const outcome = await run(`try { await $ctx.$helpers.$fetch('http://${name}:${port}/json'); } catch (e) { return e.message; }`);
    expect(outcome.data).toBe('Private IP targets are not allowed');
    expect(hits).toBe(before);
  });
});

describe('$helpers.$fetch answered from stubs (replay)', () => {
  const module = createFetchModule();
  const { sandbox, run } = membersSandbox([module]);
  afterAll(() => sandbox.close());

  it('answers from stubs, applies the same rules, and fails naming an unstubbed URL', async () => {
    module.setAnswer(
      answerFromStubs([
        { method: 'GET', url: 'https://api.example.com/users/1', body: { id: 1, name: 'Ada' } },
        { url: 'https://api.example.com/old', status: 301, headers: { Location: 'https://api.example.com/users/1' } },
        { url: 'https://api.example.com/down*', status: 503, body: 'maintenance' },
        { url: 'https://api.example.com/to-ftp', status: 302, headers: { location: 'ftp://api.example.com/x' } },
        { url: 'http://127.0.0.1/internal', body: 'stubbed' },
      ]),
    );
    const before = hits;
    const outcome = await run(`
      const f = $ctx.$helpers.$fetch, out = [];
      out.push(await f('https://api.example.com/users/1'));
      out.push(await f('https://api.example.com/old'));
      out.push(await f('http://127.0.0.1/internal', { responseType: 'text' }));
      for (const u of ['https://api.example.com/down/now', 'https://api.example.com/to-ftp', 'https://api.example.com/users/2']) {
        try { await f(u); } catch (e) { out.push(e.message); }
      }
      return out;
    `);
    module.setAnswer(null);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toEqual([
      { id: 1, name: 'Ada' },
      { id: 1, name: 'Ada' },
      'stubbed',
      'Fetch failed with 503: maintenance',
      'Protocol "ftp:" is not allowed',
      '$helpers.$fetch: no stub for GET https://api.example.com/users/2 (replay never touches the network: add it to state.fetch)',
    ]);
    expect(outcome.warnings).toEqual([]);
    expect(hits).toBe(before);
  });
});

describe('$helpers.$fetch in a runtime (beside the other helpers, config fetch.allowPrivate)', () => {
  it('sits next to $helpers.autoSlug and follows the config', async () => {
    const { MemoryCacheDriver } = await import('../../runtime/cache/drivers/memory.ts');
    const { testRuntime } = await import('../support/runtime.ts');
    const strict = await testRuntime(new MemoryCacheDriver());
    const open = await testRuntime(new MemoryCacheDriver(), { fetch: { allowPrivate: true } });
    try {
      const source = `let out; try { out = await $ctx.$helpers.$fetch(${JSON.stringify(base + '/text')}, { responseType: 'text' }); } catch (e) { out = e.message; } return [$ctx.$helpers.autoSlug('A b'), out];`;
      expect((await strict.run({ source })).data).toEqual(['a-b', 'Private IP targets are not allowed']);
      const allowed = await open.run({ source });
      expect(allowed.data).toEqual(['a-b', 'plain words']);
      expect(allowed.warnings.map((w) => w.code)).toEqual(['fetch.private-allowed']);
    } finally {
      await strict.close();
      await open.close();
    }
  });
});
