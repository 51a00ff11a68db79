/**
 * contextData: the `$ctx` data of a route script, as Enfyra 2.2's
 * DynamicContextFactory.createHttp and the middlewares before it build it.
 */
import { describe, expect, it } from 'vitest';
import { contextData, DEFAULT_USER, MEMBERS_SET_ELSEWHERE, RequestDataError, type HookRequest } from '../../runtime/context/request.ts';
import { CTX_MEMBERS, memberHasKind } from '../../runtime/shared/ctx-members.ts';

const build = (request: HookRequest = {}) => contextData(request, { APP: 'x' });
const req = (request: HookRequest = {}) => build(request).req as Record<string, unknown>;
const api = (request: HookRequest = {}) => (build(request).api as { request: Record<string, unknown> });

describe('$req', () => {
  it('has exactly the eleven keys Enfyra whitelists (test/security/req-context-sanitize.spec.ts)', () => {
    expect(Object.keys(req()).sort()).toEqual(
      ['headers', 'hostname', 'ip', 'method', 'originalUrl', 'params', 'path', 'protocol', 'query', 'rawBody', 'url'].sort(),
    );
  });

  it('defaults: a GET of / from 127.0.0.1 to localhost over http', () => {
    expect(req()).toEqual({
      method: 'GET',
      url: '/',
      originalUrl: '/',
      path: '/',
      headers: { host: 'localhost' },
      query: { filter: {}, _filter: {} },
      params: {},
      ip: '127.0.0.1',
      hostname: 'localhost',
      protocol: 'http',
      rawBody: undefined,
    });
  });

  it('url, path, originalUrl and query come from the URL; $req.query is $query', () => {
    const c = build({ method: 'patch', url: '/orders/5?expand=items&filter=%7B%22a%22%3A1%7D' });
    expect(c.req).toMatchObject({ method: 'PATCH', url: '/orders/5?expand=items&filter=%7B%22a%22%3A1%7D', originalUrl: '/orders/5?expand=items&filter=%7B%22a%22%3A1%7D', path: '/orders/5' });
    expect(c.query).toEqual({ expand: 'items', filter: { a: 1 }, _filter: {} });
    expect((c.req as { query: unknown }).query).toEqual(c.query);
  });

  it('$req.params is always {} (Enfyra builds $ctx before Express fills route parameters); $params has them', () => {
    const c = build({ params: { id: '5' } });
    expect((c.req as { params: unknown }).params).toEqual({});
    expect(c.params).toEqual({ id: '5' });
  });

  it('hostname is the Host header without its port; protocol stays http even when a proxy says https', () => {
    expect(req({ headers: { Host: 'api.example.com:8443', 'X-Forwarded-Proto': 'https' } })).toMatchObject({ hostname: 'api.example.com', protocol: 'http' });
    expect(req({ headers: { host: '[::1]:3000' } }).hostname).toBe('[::1]');
  });

  it('ip as Enfyra resolves it: cf-connecting-ip wins, ::1 reads as 127.0.0.1, an IPv4-mapped address as IPv4', () => {
    expect(req({ ip: '10.0.0.1', headers: { 'CF-Connecting-IP': '203.0.113.5' } }).ip).toBe('203.0.113.5');
    expect(req({ ip: '::1' }).ip).toBe('127.0.0.1');
    expect(req({ ip: '::ffff:192.168.1.9' }).ip).toBe('192.168.1.9');
    expect(req({ ip: '2001:db8::7' }).ip).toBe('2001:db8::7');
  });

  it('rawBody: the given text, else the JSON text of an object or array body (express.json keeps it), else undefined', () => {
    expect(req({ body: { a: 1 }, rawBody: '{ "a": 1 }' }).rawBody).toBe('{ "a": 1 }');
    expect(req({ body: [1, 2] }).rawBody).toBe('[1,2]');
    expect(req({ body: 'plain text' }).rawBody).toBeUndefined();
    expect(req().rawBody).toBeUndefined();
  });

  it('header names are lower-cased', () => {
    expect(req({ headers: { 'X-Trace': 't1' } }).headers).toEqual({ host: 'localhost', 'x-trace': 't1' });
  });
});

describe('$query', () => {
  it('reads a query object as the URL a client would send: numbers become strings, JSON keys keep their JSON', () => {
    expect(build({ query: { page: 2, tags: ['a', 'b'], filter: { price: { _gt: 5 } }, deep: '{"owner":{}}', draft: true } }).query).toEqual({
      page: '2',
      tags: ['a', 'b'],
      filter: { price: { _gt: 5 } },
      deep: { owner: {} },
      draft: 'true',
      _filter: {},
    });
  });

  it('keeps a filter that is not JSON as the string it is, as Enfyra\'s parse-query middleware does', () => {
    expect(build({ url: '/x?filter={oops' }).query).toEqual({ filter: '{oops', _filter: {} });
    expect(build({ query: { _filter: 'nope' } }).query).toEqual({ _filter: 'nope', filter: {} });
  });

  it('a query object is appended to the URL\'s query string, and the URL shows it', () => {
    const c = build({ url: '/x?a=1', query: { b: 2 } });
    expect(c.query).toEqual({ a: '1', b: '2', filter: {}, _filter: {} });
    expect(c.req).toMatchObject({ url: '/x?a=1&b=2', path: '/x' });
  });

  it('takes qs bracket syntax and Enfyra\'s limits (depth 10, arrays up to index 200)', () => {
    expect(build({ url: '/x?a[b][c]=1&list[0]=x&list[1]=y' }).query).toMatchObject({ a: { b: { c: '1' } }, list: ['x', 'y'] });
    expect(build({ url: '/x?big[201]=z' }).query).toMatchObject({ big: { 201: 'z' } });
  });
});

describe('$params', () => {
  it('are strings, as a URL gives them: numbers and booleans are converted', () => {
    expect(build({ params: { id: 5, n: 1.5, ok: true, s: 'x' } }).params).toEqual({ id: '5', n: '1.5', ok: 'true', s: 'x' });
  });

  it.each([
    [{ id: { a: 1 } }, /params\.id: .*\(got an object\)/],
    [{ id: [1] }, /params\.id: .*\(got an array\)/],
    [{ id: null }, /params\.id: .*\(got null\)/],
  ])('refuse %j, naming the parameter', (params, message) => {
    expect(() => build({ params })).toThrow(RequestDataError);
    expect(() => build({ params })).toThrow(message);
  });
});

describe('$user', () => {
  it('defaults to a root admin shaped like Enfyra\'s user row with its role', () => {
    const user = build().user as typeof DEFAULT_USER;
    expect(user).toBe(DEFAULT_USER);
    expect(user).toMatchObject({ isRootAdmin: true, isSystem: false, roleId: 1, role: { id: 1, name: 'Admin' }, loginProvider: null, tokenType: null, apiTokenId: null });
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(user.password).toMatch(/^\$2b\$10\$/);
    expect(Object.isFrozen(user.role)).toBe(true);
  });

  it('null is anonymous; an object replaces the default as a whole', () => {
    expect(build({ user: null }).user).toBeNull();
    expect(build({ user: { id: 'u2', isRootAdmin: false } }).user).toEqual({ id: 'u2', isRootAdmin: false });
  });

  it.each([42, 'admin', [{ id: 1 }], true])('refuses %j', (user) => {
    expect(() => build({ user })).toThrow(/^user: must be a user object/);
  });
});

describe('$api, $body and the rest', () => {
  it('$api is { request: {method, url, timestamp, correlationId, userAgent, ip} } (response and error only on the error path)', () => {
    const a = build({ method: 'post', url: '/x?y=1', headers: { 'User-Agent': 'curl/8' }, ip: '10.1.1.1' }).api as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(['request']);
    const r = a.request as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(['correlationId', 'ip', 'method', 'timestamp', 'url', 'userAgent']);
    expect(r).toMatchObject({ method: 'POST', url: '/x?y=1', userAgent: 'curl/8', ip: '10.1.1.1' });
    expect(new Date(r.timestamp as string).toISOString()).toBe(r.timestamp);
    expect(r.correlationId).toMatch(/^req_\d+_[0-9a-z]{9}$/);
  });

  it('a correlation id header is used as it is', () => {
    expect(api({ headers: { 'x-correlation-id': 'abc-123' } }).request.correlationId).toBe('abc-123');
  });

  it('$body: a falsy body reads as {} (req.body || {}), anything else as given', () => {
    for (const body of [undefined, null, 0, '', false]) expect(build({ body }).body).toEqual({});
    expect(build({ body: [1] }).body).toEqual([1]);
  });

  it('$data and $statusCode start unset (the chain sets them); $env is the given environment', () => {
    const c = build();
    expect(c.data).toBeUndefined();
    expect(c.statusCode).toBeUndefined();
    expect(c.env).toEqual({ APP: 'x' });
    expect(build({ env: { ONLY: '1' } }).env).toEqual({ ONLY: '1' });
  });

  it.each([
    [{ url: 'orders' }, /^url: must be a path starting with "\/"/],
    [{ url: '/a b' }, /^url: a request URL holds no spaces and no #fragment/],
    [{ ip: 'not-an-ip' }, /^ip: not an IP address: "not-an-ip"/],
  ])('refuses %j, naming the field', (request, message) => {
    expect(() => build(request)).toThrow(RequestDataError);
    expect(() => build(request)).toThrow(message);
  });

  it('builds every data member of a route script\'s $ctx, except those the runtime sets elsewhere', () => {
    const built = Object.keys(build()).map((k) => `$${k}`);
    const dataMembers = CTX_MEMBERS.filter((m) => m.source === 'data' && memberHasKind(m, 'handler')).map((m) => m.name);
    expect(dataMembers.filter((m) => !built.includes(m) && !MEMBERS_SET_ELSEWHERE.includes(m))).toEqual([]);
  });
});
