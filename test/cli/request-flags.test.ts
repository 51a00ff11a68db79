import { describe, it, expect } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requestFromFlags } from '../../runtime/cli/request-flags.ts';
import { UsageError } from '../../runtime/cli/usage-error.ts';
import { contextData } from '../../runtime/context/request.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-flags-'));
writeFileSync(path.join(dir, 'body.json'), '{"name":"from file"}\n');
writeFileSync(path.join(dir, 'broken.json'), '{"name":');
writeFileSync(path.join(dir, 'webhook.json'), '{ "event_type" : "transaction.completed" }\n');
writeFileSync(path.join(dir, 'unreadable.json'), '{}');
chmodSync(path.join(dir, 'unreadable.json'), 0o000);
const runningAsRoot = process.getuid?.() === 0;

/** The `$ctx` data the flags lead to (the request surface is built in one place: context/request.ts). */
const ctx = (flags: Parameters<typeof requestFromFlags>[0]) => contextData(requestFromFlags(flags, dir), {});
const req = (flags: Parameters<typeof requestFromFlags>[0]) => ctx(flags).req as Record<string, unknown>;

describe('request flags', () => {
  it('--params accepts repeated key=value pairs and JSON objects, later wins; values become strings as in a URL', () => {
    expect(requestFromFlags({ params: ['id=123', 'slug=a=b', '{"id":"9","x":1}'] }).params).toEqual({ id: '9', slug: 'a=b', x: '1' });
    expect(requestFromFlags({ params: ['{"id":5,"draft":true}'] }).params).toEqual({ id: '5', draft: 'true' });
  });

  it('--query values stay strings, as from a URL, and end up in the URL', () => {
    const c = ctx({ query: ['page=2', 'q=a&b c'] });
    expect(c.query).toEqual({ page: '2', q: 'a&b c', filter: {}, _filter: {} });
    expect((c.req as { url: string }).url).toBe('/?page=2&q=a%26b%20c');
  });

  it('--query parses filter, deep, aggregate, _filter and _deep as JSON, as Enfyra does; filter defaults to {}', () => {
    const c = ctx({ query: ['filter={"price":{"_gt":5}}', 'deep={"owner":{"fields":"id"}}', 'limit=10', '_deep={"a":1}', 'aggregate={"n":{"count":true}}'] });
    expect(c.query).toEqual({
      filter: { price: { _gt: 5 } },
      deep: { owner: { fields: 'id' } },
      aggregate: { n: { count: true } },
      _deep: { a: 1 },
      _filter: {},
      limit: '10',
    });
  });

  it('--query JSON objects go through the same URL encoding (numbers become strings, filter keeps its JSON)', () => {
    expect(ctx({ query: ['{"page":2,"fields":["id","name"],"filter":{"id":{"_eq":3}}}'] }).query).toEqual({
      page: '2',
      fields: ['id', 'name'],
      filter: { id: { _eq: 3 } },
      _filter: {},
    });
  });

  it('--query uses qs bracket syntax, as Enfyra\'s query parser does', () => {
    expect(ctx({ query: ['sort[0]=-price', 'sort[1]=id', 'meta[a]=1'] }).query).toMatchObject({ sort: ['-price', 'id'], meta: { a: '1' } });
  });

  it('--url with a query string fills $query, $req.path, $req.url and $req.originalUrl', () => {
    const c = ctx({ url: '/orders/5?expand=1&filter=%7B%22id%22%3A5%7D' });
    expect(c.query).toEqual({ expand: '1', filter: { id: 5 }, _filter: {} });
    expect(c.req).toMatchObject({
      url: '/orders/5?expand=1&filter=%7B%22id%22%3A5%7D',
      originalUrl: '/orders/5?expand=1&filter=%7B%22id%22%3A5%7D',
      path: '/orders/5',
      query: c.query,
    });
  });

  it('--url and --query together: the --query pairs are appended to the URL\'s query string', () => {
    const c = ctx({ url: '/x?a=1', query: ['b=2', 'a=3'] });
    expect(c.query).toEqual({ a: ['1', '3'], b: '2', filter: {}, _filter: {} });
    expect((c.req as { url: string }).url).toBe('/x?a=1&b=2&a=3');
  });

  it('--body and --user take JSON text or @file; the body text is kept as $req.rawBody', () => {
    const r = requestFromFlags({ body: '@body.json', user: '{"id":5}' }, dir);
    expect(r).toEqual({ body: { name: 'from file' }, rawBody: '{"name":"from file"}\n', user: { id: 5 } });
    expect(requestFromFlags({ body: '{ "a" : 1 }' }).rawBody).toBe('{ "a" : 1 }');
  });

  it('--raw-body keeps the exact text (and $body is parsed from it); with --body both are used as given', () => {
    expect(req({ rawBody: '@webhook.json' }).rawBody).toBe('{ "event_type" : "transaction.completed" }\n');
    expect(ctx({ rawBody: '@webhook.json' }).body).toEqual({ event_type: 'transaction.completed' });
    const tampered = ctx({ rawBody: '{"amount":1}', body: '{"amount":100}' });
    expect(tampered.body).toEqual({ amount: 100 });
    expect((tampered.req as { rawBody: string }).rawBody).toBe('{"amount":1}');
  });

  it('--user null is anonymous, as --anonymous is', () => {
    expect(requestFromFlags({ anonymous: true }).user).toBeNull();
    expect(requestFromFlags({ user: 'null' }).user).toBeNull();
  });

  it('--header and --method, --url, --ip fill the request', () => {
    expect(requestFromFlags({ header: ['X-Api-Key: abc', 'accept:application/json'], method: 'patch', url: '/products/1', ip: '10.1.1.1' }, dir)).toEqual({
      headers: { 'x-api-key': 'abc', accept: 'application/json' },
      method: 'PATCH',
      url: '/products/1',
      ip: '10.1.1.1',
    });
    expect(req({ ip: '::1' }).ip).toBe('127.0.0.1');
    expect(req({ ip: '2001:db8::1' }).ip).toBe('2001:db8::1');
  });

  const bad: Array<[string, Parameters<typeof requestFromFlags>[0], RegExp]> = [
    ['--params without =', { params: ['id'] }, /--params expects key=value or a JSON object \(got "id"\)/],
    ['--params with an empty key', { params: ['=1'] }, /--params expects key=value/],
    ['--params JSON array', { params: ['[1]'] }, /--params expects key=value/],
    ['--params JSON that is not an object', { params: ['{"a":'] }, /--params is not valid JSON/],
    ['--params with an object value', { params: ['{"id":{"a":1}}'] }, /--params id: .*must be a string or a number \(got an object\)/],
    ['--params with a null value', { params: ['{"id":null}'] }, /--params id: .*\(got null\)/],
    ['--query without =', { query: ['page'] }, /--query expects key=value or a JSON object \(got "page"\)/],
    ['--query JSON that is an array', { query: ['{"a":1}', '[1]'] }, /--query expects key=value/],
    ['--query with a filter that is not JSON', { query: ['filter={"id":'] }, /--query: filter is not valid JSON \(.*\); Enfyra JSON-parses filter, aggregate, deep, _filter, _deep and would pass this one to the script as a string/],
    ['--url with a filter that is not JSON', { url: '/x?deep={oops}' }, /--url: deep is not valid JSON/],
    ['--url not a path', { url: 'products' }, /--url must be a path starting with "\/"/],
    ['--url that is a full URL', { url: 'https://example.com/products' }, /--url must be a path starting with "\/"/],
    ['--url with a space', { url: '/a b' }, /--url holds no spaces and no #fragment \(got "\/a b"\)/],
    ['--url with a fragment', { url: '/a#top' }, /--url holds no spaces and no #fragment/],
    ['--body that is not JSON', { body: '{nope}' }, /--body is not valid JSON/],
    ['--body from a missing file', { body: '@missing.json' }, /--body: cannot read .*missing\.json: ENOENT/],
    ['--body from a broken file', { body: '@broken.json' }, /--body \(.*broken\.json\) is not valid JSON/],
    ['--body from a folder', { body: '@.' }, /--body: cannot read .*: EISDIR/],
    ['--raw-body from a missing file', { rawBody: '@missing.json' }, /--raw-body: cannot read .*missing\.json: ENOENT/],
    ['--raw-body that is not JSON without --body', { rawBody: 'a=1&b=2' }, /--raw-body is not valid JSON: .*Enfyra keeps \$req\.rawBody only for JSON bodies; give --body too/],
    ['--user that is not JSON', { user: 'admin' }, /--user is not valid JSON/],
    ['--user that is a number', { user: '42' }, /--user must be a JSON object \(the signed-in user's row\) or null, .*\(got 42\)/],
    ['--user that is an array', { user: '[{"id":1}]' }, /--user must be a JSON object/],
    ['--user with --anonymous', { user: '{}', anonymous: true }, /--user and --anonymous cannot be used together/],
    ['--header without a colon', { header: ['X-Thing'] }, /--header expects 'Name: value'/],
    ['--method unknown', { method: 'FETCH' }, /--method must be one of GET, POST/],
    ['--ip that is not an address', { ip: 'not-an-ip' }, /--ip must be an IPv4 or IPv6 address \(got "not-an-ip"\)/],
    ['--ip with a port', { ip: '10.0.0.1:80' }, /--ip must be an IPv4 or IPv6 address/],
  ];
  for (const [label, flags, message] of bad) {
    it(`rejects ${label} with a usage error`, () => {
      expect(() => requestFromFlags(flags, dir)).toThrow(UsageError);
      expect(() => requestFromFlags(flags, dir)).toThrow(message);
    });
  }

  it.skipIf(runningAsRoot)('rejects an unreadable --body file with a usage error (skipped as root: root reads any file)', () => {
    expect(() => requestFromFlags({ body: '@unreadable.json' }, dir)).toThrow(/--body: cannot read .*unreadable\.json: EACCES/);
  });
});
