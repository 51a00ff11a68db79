/**
 * Enfyra's HTTP pipeline, in-process: routes, bodies, auth, guard, errors.
 * Each expectation cites the Enfyra server file it follows.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedProject } from '../../runtime/server/served-project.ts';
import { openProject, route, send, serverProject, SECRET, USERS } from './support.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CORRELATION = /^req_\d+_[a-z0-9]+$/;

let project: ServedProject;

beforeAll(async () => {
  const dir = serverProject({
    'routes/products.json': route({ path: '/products', publicMethods: ['GET', 'POST', 'PATCH', 'DELETE'] }),
    'routes/hello.json': route({
      path: '/hello/:id',
      availableMethods: ['GET', 'POST'],
      publicMethods: ['GET', 'POST'],
      handlers: { GET: { file: '../hooks/hello.js' } },
    }),
    'routes/posts-static.json': route({ path: '/posts/archive', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: "return 'static';" } } }),
    'routes/posts-param.json': route({ path: '/posts/:slug', availableMethods: ['GET', 'PATCH'], publicMethods: ['GET', 'PATCH'], handlers: { GET: { sourceCode: 'return { slug: @PARAMS.slug };' }, PATCH: { sourceCode: 'return { patched: @PARAMS };' } } }),
    'routes/items.json': route({
      path: '/items',
      availableMethods: ['GET', 'PATCH', 'DELETE'],
      publicMethods: ['GET', 'PATCH', 'DELETE'],
      handlers: { GET: { sourceCode: 'return @PARAMS;' }, PATCH: { sourceCode: 'return @PARAMS;' }, DELETE: { sourceCode: 'return @PARAMS;' } },
    }),
    'routes/guarded.json': route({
      path: '/guarded',
      availableMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
      skipRoleGuardMethods: ['DELETE'],
      routePermissions: [
        { role: 2, methods: ['GET'] },
        { allowedUsers: [USERS.plain.id], methods: ['POST'] },
      ],
      handlers: {
        GET: { sourceCode: 'return { user: @USER };' },
        POST: { sourceCode: 'return { ok: true };' },
        PATCH: { sourceCode: 'return { ok: true };' },
        DELETE: { sourceCode: 'return { ok: true };' },
      },
    }),
    'routes/throws.json': route({
      path: '/throws/:kind',
      availableMethods: ['GET'],
      publicMethods: ['GET'],
      handlers: { GET: { file: 'scripts/throws.js' } },
    }),
    'routes/scripts/throws.js': [
      "const kind = $ctx.$params.kind;",
      "$ctx.$logs('about to fail');",
      "if (kind === '404') $ctx.$throw['404']('no such thing');",
      "if (kind === '503') $ctx.$throw['503']('down');",
      'if (kind === "reference") return missingValue + 1;',
      'return { fine: true };',
      '',
    ].join('\n'),
    'routes/pre-fail.json': route({
      path: '/pre-fail',
      availableMethods: ['GET'],
      publicMethods: ['GET'],
      preHooks: [{ name: 'refuse', sourceCode: "@THROW403('pre says no');", methods: ['GET'] }],
      handlers: { GET: { sourceCode: 'return { reached: true };' } },
    }),
    'routes/no-handler.json': route({ path: '/no-handler', availableMethods: ['GET'], publicMethods: ['GET'] }),
    'routes/status.json': route({
      path: '/status',
      availableMethods: ['GET'],
      publicMethods: ['GET'],
      handlers: { GET: { sourceCode: '$ctx.$statusCode = 201; return { made: true };' } },
    }),
    'routes/array.json': route({
      path: '/array',
      availableMethods: ['GET'],
      publicMethods: ['GET'],
      handlers: { GET: { sourceCode: "$ctx.$logs('x'); return ['a', 'b'];" } },
      postHooks: [{ name: 'keep raw', sourceCode: 'return @DATA;', methods: ['GET'], priority: -1 }],
    }),
    'routes/global-hooks.json': JSON.stringify({
      postHooks: [{ name: 'Default response', sourceCode: "@DATA = { statusCode: @STATUS, ...@DATA, message: 'Success' }", methods: ['GET', 'POST', 'PATCH', 'DELETE'] }],
    }),
  });
  project = await openProject(dir);
});

afterAll(() => project?.close());

describe('table routes with the default handlers (canonical-table-route.util.ts)', () => {
  it('GET /<table> answers 200 with the Default response body', async () => {
    const r = await send(project, 'GET', '/products');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, message: 'Success' });
    expect(Array.isArray((r.body as { data: unknown[] }).data)).toBe(true);
  });

  it('POST creates a row (status 200, not 201), PATCH /<table>/:id updates it, DELETE removes it', async () => {
    const created = await send(project, 'POST', '/products', { body: { name: 'Pen', slug: 'pen-crud', price: 2 } });
    expect(created.status).toBe(200);
    const row = (created.body as { data: Array<{ id: number; name: string }> }).data[0]!;
    expect(row.name).toBe('Pen');
    const patched = await send(project, 'PATCH', `/products/${row.id}`, { body: { price: 3 } });
    expect(patched.status).toBe(200);
    expect((patched.body as { data: Array<{ price: number }> }).data[0]!.price).toBe(3);
    expect(patched.trace.tables).toEqual([expect.objectContaining({ table: 'products', id: String(row.id), before: expect.objectContaining({ price: 2 }), after: expect.objectContaining({ price: 3 }) })]);
    const deleted = await send(project, 'DELETE', `/products/${row.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ statusCode: 200, message: 'Success' });
    expect(deleted.trace.tables).toEqual([expect.objectContaining({ id: String(row.id), after: null })]);
  });

  it('a table route is not public unless its record says so: 401 with the filter body', async () => {
    const r = await send(project, 'GET', '/categories');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      success: false,
      message: 'Unauthorized',
      statusCode: 401,
      error: { code: 'UNAUTHORIZED', message: 'Unauthorized', timestamp: expect.stringMatching(ISO), path: '/categories', method: 'GET', correlationId: expect.stringMatching(CORRELATION) },
    });
  });

  it('POST/PATCH bodies on a table route must be objects (body-validation.middleware.ts)', async () => {
    const asArray = await send(project, 'POST', '/products', { body: [1, 2] });
    expect(asArray.status).toBe(400);
    expect(asArray.body).toMatchObject({ message: ['body must be an object, not an array'], error: { code: 'BAD_REQUEST' } });
    const none = await send(project, 'POST', '/products');
    expect(none.body).toMatchObject({ statusCode: 400, message: ['body is required'] });
    const text = await send(project, 'PATCH', '/products/1', { raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.body).toMatchObject({ statusCode: 400, message: ['body must be an object'] });
  });
});

describe('route matching (route-match.util.ts)', () => {
  it('an unknown path is 404 with Enfyra\'s body: path without the query, no correlation id', async () => {
    const r = await send(project, 'GET', '/nowhere?x=1');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      success: false,
      message: 'Not Found',
      statusCode: 404,
      error: { code: 'NOT_FOUND', message: 'Not Found', path: '/nowhere', method: 'GET', timestamp: expect.stringMatching(ISO) },
    });
  });

  it('a method outside availableMethods is 404 too', async () => {
    expect((await send(project, 'DELETE', '/hello/1')).status).toBe(404);
    expect((await send(project, 'PUT', '/products')).status).toBe(404);
  });

  it('a static segment beats a parameter', async () => {
    expect((await send(project, 'GET', '/posts/archive')).body).toMatchObject({ 0: 's', 1: 't' });
    expect((await send(project, 'GET', '/posts/hello%20world')).body).toMatchObject({ slug: 'hello world' });
  });

  it('PATCH and DELETE also match <path>/:id, GET does not', async () => {
    expect((await send(project, 'PATCH', '/items/42')).body).toMatchObject({ id: '42' });
    expect((await send(project, 'DELETE', '/items/42')).body).toMatchObject({ id: '42' });
    expect((await send(project, 'GET', '/items/42')).status).toBe(404);
  });

  it('a trailing slash matches the same route', async () => {
    expect((await send(project, 'GET', '/hello/5/')).status).toBe(200);
  });
});

describe('auth (jwt-auth.middleware.ts) and the role guard (policy.service.ts)', () => {
  it('a token sets $user to the enfyra_user row with its role and the token context', async () => {
    const r = await send(project, 'GET', '/guarded', { as: USERS.editor.id });
    expect(r.status).toBe(200);
    expect((r.body as { user: unknown }).user).toMatchObject({
      id: USERS.editor.id,
      email: 'editor@example.com',
      role: { id: 2, name: 'Editor' },
      loginProvider: null,
      tokenType: null,
      apiTokenId: null,
    });
  });

  it('a root admin passes every guard', async () => {
    expect((await send(project, 'PATCH', '/guarded', { as: USERS.admin.id })).status).toBe(200);
  });

  it('no permission for the method → 403 with the guard\'s short body', async () => {
    const r = await send(project, 'PATCH', '/guarded', { as: USERS.editor.id });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ statusCode: 403, message: 'Forbidden' });
  });

  it('allowedUsers grants whatever the role; skipRoleGuardMethods lets any signed-in user through', async () => {
    expect((await send(project, 'POST', '/guarded', { as: USERS.plain.id })).status).toBe(200);
    expect((await send(project, 'POST', '/guarded', { as: USERS.editor.id })).status).toBe(403);
    expect((await send(project, 'DELETE', '/guarded', { as: USERS.plain.id })).status).toBe(200);
    expect((await send(project, 'DELETE', '/guarded')).status).toBe(401);
  });

  it('a bad token is 401 INVALID_TOKEN on a private method, anonymous on a public one', async () => {
    const bad = { authorization: 'Bearer not.a.token' };
    const r = await send(project, 'GET', '/guarded', { headers: bad });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ message: 'Invalid token provided', error: { code: 'INVALID_TOKEN' } });
    const pub = await send(project, 'GET', '/hello/1', { headers: bad });
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ statusCode: 200 });
  });

  it('a bad token on an unknown path is 401, not 404 (auth runs before the not-found answer)', async () => {
    expect((await send(project, 'GET', '/nowhere', { headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
  });

  it('an expired token is 401 TOKEN_EXPIRED', async () => {
    const token = await new SignJWT({ id: 1 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(SECRET));
    const r = await send(project, 'GET', '/guarded', { headers: { authorization: `Bearer ${token}` } });
    expect(r.body).toMatchObject({ statusCode: 401, message: 'Token has expired', error: { code: 'TOKEN_EXPIRED' } });
  });

  it('a token for a user that does not exist is anonymous (→ 401 on a private route)', async () => {
    const r = await send(project, 'GET', '/guarded', { as: 999 });
    expect(r.body).toMatchObject({ statusCode: 401, error: { code: 'UNAUTHORIZED' } });
  });

  it('no token: $user is null', async () => {
    const r = await send(project, 'GET', '/hello/1');
    expect(r.body).toMatchObject({ message: 'Success' });
    expect(r.trace.userId).toBeNull();
  });
});

describe('bodies and parsing (express-app.ts, body-parser.middleware.ts, parse-query.middleware.ts)', () => {
  it('malformed JSON is 400 with body-parser\'s message and its error name as the code', async () => {
    const r = await send(project, 'POST', '/products', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ success: false, statusCode: 400, error: { code: 'SyntaxError', path: '/products', method: 'POST' } });
    expect((r.body as { message: string }).message).toMatch(/JSON/);
  });

  it('a JSON body over 10 MB is 413; another json type over 1 MB too', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(10 * 1024 * 1024 + 10) });
    const r = await send(project, 'POST', '/hello/1', { raw: big, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ statusCode: 413, message: 'request entity too large', error: { code: 'PayloadTooLargeError' } });
    const mid = JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) });
    expect((await send(project, 'POST', '/hello/1', { raw: mid, headers: { 'content-type': 'application/vnd.api+json' } })).status).toBe(413);
    expect((await send(project, 'POST', '/hello/1', { raw: mid, headers: { 'content-type': 'application/json' } })).status).not.toBe(413);
  });

  it('filter, deep and aggregate are JSON-parsed; filter defaults to {}', async () => {
    const r = await send(project, 'GET', `/products?filter=${encodeURIComponent('{"id":{"_eq":1}}')}&deep=nope&limit=2&a[b]=1`);
    expect(r.trace.request.query).toEqual({ filter: { id: { _eq: 1 } }, deep: 'nope', limit: '2', a: { b: '1' }, _filter: {} });
  });
});

describe('scripts through HTTP (dynamic.service.ts, global-exception.filter.ts)', () => {
  it('logs are spread into the success body; an array answer ends up spread into an object (Default response, then {...result, logs})', async () => {
    const r = await send(project, 'GET', '/array');
    expect(r.body).toEqual({ statusCode: 200, 0: 'a', 1: 'b', message: 'Success', logs: ['x'] });
  });

  it('$statusCode never reaches the HTTP status', async () => {
    const r = await send(project, 'GET', '/status');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ made: true, message: 'Success' });
  });

  it('a 4xx thrown by a handler is an HttpException (code HTTP_ERROR), logs attached', async () => {
    const r = await send(project, 'GET', '/throws/404');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ success: false, statusCode: 404, message: 'no such thing', error: { code: 'HTTP_ERROR', message: 'no such thing', path: '/throws/404' }, logs: ['about to fail'] });
    expect(r.headers['x-correlation-id']).toMatch(CORRELATION);
  });

  it('a 5xx thrown by a handler becomes a ScriptExecutionException: 400, quoting the handler', async () => {
    const r = await send(project, 'GET', '/throws/503');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, message: 'Script execution failed: down', error: { code: 'SCRIPT_EXECUTION_ERROR', details: { method: 'GET', url: '/throws/503', isTableOperation: false } } });
    expect(((r.body as { error: { details: { scriptId: string } } }).error.details.scriptId)).toContain("$ctx.$throw['503']");
  });

  it('a runtime error in a handler is a 400 "Script execution failed" (the engine\'s 400 becomes an HttpException); the inspector trace names the file', async () => {
    const r = await send(project, 'GET', '/throws/reference');
    expect(r.status).toBe(400);
    // HEAD's dynamic-service-error-reporting.spec.ts: the engine's 400 reaches runHandler and leaves it as HTTP_ERROR.
    expect(r.body).toMatchObject({ error: { code: 'HTTP_ERROR', details: { scriptId: '(batch execution)' } } });
    expect((r.body as { message: string }).message).toMatch(/^Script execution failed: missingValue is not defined/);
    expect(r.trace.steps.find((s) => s.phase === 'handler')).toMatchObject({ ok: false, file: 'routes/scripts/throws.js' });
  });

  it('a pre-hook error keeps its own status and skips the handler', async () => {
    const r = await send(project, 'GET', '/pre-fail');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ success: false, statusCode: 403, message: 'pre says no' });
    expect(r.trace.steps.map((s) => s.phase)).not.toContain('handler');
  });

  it('a method without a handler record: 400 "No handler configured" naming the URL', async () => {
    const r = await send(project, 'GET', '/no-handler?x=1');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      message: "No handler configured for method 'GET' on route '/no-handler?x=1'",
      error: { code: 'BUSINESS_LOGIC_ERROR', details: { method: 'GET' } },
    });
  });

  it('a global post-hook file entry named "Default response" replaces the seeded one (not run twice)', async () => {
    const r = await send(project, 'GET', '/hello/3');
    expect(r.trace.steps.filter((s) => s.phase === 'post')).toHaveLength(1);
  });
});
