/**
 * Enfyra 2.2's chain rules through HTTP. Sources: kernel executor.worker.js
 * at c83d56d4 (lines 545-720), HEAD's test/executor-engine/executor-batch.spec.ts
 * and throw-error-propagation.spec.ts, dynamic-interceptor.middleware.ts
 * (pre-hooks), dynamic.service.ts (handler and post-hooks), dynamic.routes.ts.
 * Logs are written as one string per call so these hold whatever the log format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedProject } from '../../runtime/server/served-project.ts';
import { openProject, route, send, serverProject } from './support.ts';

let project: ServedProject;
const postLog = { name: 'post logs', sourceCode: "$ctx.$logs('post-hook ran');", methods: ['GET'], priority: 50 };

beforeAll(async () => {
  const r = (path: string, spec: Record<string, unknown>) => ({
    [`routes${path}.json`]: route({ path, availableMethods: ['GET'], publicMethods: ['GET'], ...spec }),
  });
  const dir = serverProject({
    'routes/carry.json': route({
      path: '/carry',
      availableMethods: ['POST'],
      publicMethods: ['POST'],
      preHooks: [
        { name: 'edit body', sourceCode: "@BODY.added = 'by pre-hook'; @QUERY.page = '7';", methods: ['POST'] },
        { name: 'share', sourceCode: "@SHARE.seen = ['pre'];", methods: ['POST'] },
      ],
      handlers: { POST: { sourceCode: 'return { body: @BODY, page: @QUERY.page, shared: @SHARE.seen };' } },
    }),
    ...r('/data', {
      handlers: { GET: { sourceCode: "$ctx.$logs('handler'); return { from: 'handler' };" } },
      postHooks: [
        { name: 'sees handler data', sourceCode: "$ctx.$logs('post 1 saw ' + @DATA.from);", priority: 1, methods: ['GET'] },
        { name: 'replaces data', sourceCode: "return { from: 'post-hook', was: @DATA.from };", priority: 2, methods: ['GET'] },
      ],
    }),
    ...r('/short', { preHooks: [{ name: 'answer', sourceCode: "$ctx.$logs('pre'); return { early: true };", methods: ['GET'] }], handlers: { GET: { sourceCode: "$ctx.$logs('handler'); return {};" } }, postHooks: [postLog] }),
    ...r('/short-null', { preHooks: [{ name: 'answer null', sourceCode: 'return null;', methods: ['GET'] }], handlers: { GET: { sourceCode: 'return { reached: true };' } } }),
    ...r('/pre-error', { preHooks: [{ name: 'gate', sourceCode: "@THROW409('taken');", methods: ['GET'] }], handlers: { GET: { sourceCode: "$ctx.$logs('handler ran'); return {};" } }, postHooks: [postLog] }),
    ...r('/handler-error', {
      handlers: { GET: { sourceCode: "@THROW422('bad input');" } },
      postHooks: [{ name: 'inspect', sourceCode: "$ctx.$logs(JSON.stringify({ error: @ERROR && @ERROR.message, api: @API.error && @API.error.statusCode, response: @API.response && @API.response.statusCode, data: @DATA, status: @STATUS }));", methods: ['GET'], priority: -1 }],
    }),
    ...r('/post-error', {
      handlers: { GET: { sourceCode: 'return { fine: true };' } },
      postHooks: [
        { name: 'breaks', sourceCode: "throw new Error('post boom');", methods: ['GET'], priority: 10 },
        { name: 'still runs', sourceCode: "$ctx.$logs('after the broken one');", methods: ['GET'], priority: 20 },
      ],
    }),
    ...r('/no-return', { handlers: { GET: { sourceCode: '$ctx.$statusCode = 201;' } }, postHooks: [{ name: 'look', sourceCode: "$ctx.$logs(typeof @DATA + ' ' + @STATUS + ' ' + typeof @API.response);", methods: ['GET'], priority: -1 }] }),
    ...r('/uncaught', { handlers: { GET: { sourceCode: "const first = 'row 1';\nconst second = missingValue + 1;\nreturn { first, second };" } } }),
  });
  project = await openProject(dir);
});

afterAll(() => project?.close());

describe('Enfyra chain rules through HTTP', () => {
  it('pre-hook edits to $body, $query and $share carry over to the handler', async () => {
    const r = await send(project, 'POST', '/carry?page=1', { body: { name: 'x' } });
    expect(r.body).toMatchObject({ body: { name: 'x', added: 'by pre-hook' }, page: '7', shared: ['pre'], message: 'Success' });
  });

  it('the handler\'s value is $data for the post-hooks, by priority (the seeded one first at 0); a post-hook\'s return replaces it', async () => {
    const r = await send(project, 'GET', '/data');
    expect(r.body).toEqual({ from: 'post-hook', was: 'handler', logs: ['handler', 'post 1 saw handler'] });
    expect(r.trace.steps.map((s) => `${s.phase}:${s.name}`)).toEqual([
      'handler:GET handler',
      'post:post-hook "Default response" (seeded)',
      'post:post-hook "sees handler data"',
      'post:post-hook "replaces data"',
    ]);
  });

  it('a pre-hook returning a value answers with it: handler and post-hooks skipped, no Default response wrapping', async () => {
    const r = await send(project, 'GET', '/short');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ early: true, logs: ['pre'] });
    expect(r.trace.steps.map((s) => s.phase)).toEqual(['pre']);
  });

  it('a pre-hook returning null answers too (only undefined goes on)', async () => {
    const r = await send(project, 'GET', '/short-null');
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();
  });

  it('a pre-hook error answers with its own status; the handler and the post-hooks do not run', async () => {
    const r = await send(project, 'GET', '/pre-error');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ success: false, statusCode: 409, message: 'taken' });
    expect(r.trace.steps.map((s) => s.phase)).toEqual(['pre']);
    expect(JSON.stringify(r.body)).not.toMatch(/handler ran|post-hook ran/);
  });

  it('on a handler error the post-hooks run with $error/$api.error/$api.response set, $data null, $statusCode the error status; the error stands', async () => {
    const r = await send(project, 'GET', '/handler-error');
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ success: false, statusCode: 422, message: 'bad input', error: { code: 'HTTP_ERROR', path: '/handler-error', method: 'GET' } });
    expect((r.body as { logs: unknown[] }).logs).toEqual([JSON.stringify({ error: 'bad input', api: 422, response: 422, data: null, status: 422 })]);
  });

  it('a post-hook error is swallowed (a warning here) and the next post-hook runs', async () => {
    const r = await send(project, 'GET', '/post-error');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fine: true, message: 'Success', logs: ['after the broken one'] });
    expect(r.envelope.warnings).toContainEqual(expect.objectContaining({ code: 'chain.post-hook-error', message: expect.stringContaining('post boom') }));
  });

  it('$data is undefined in post-hooks when the handler returned nothing; $statusCode is 200 before post-hooks; no $api.response on success', async () => {
    const r = await send(project, 'GET', '/no-return');
    expect(r.status).toBe(200);
    expect((r.body as { logs: unknown[] }).logs).toEqual(['undefined 200 undefined']);
  });

  it('an uncaught handler error is a 400 "Script execution failed: …" (HTTP_ERROR via DynamicService), the same in the envelope', async () => {
    const r = await send(project, 'GET', '/uncaught');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      success: false,
      message: expect.stringMatching(/^Script execution failed: missingValue is not defined/),
      error: { code: 'HTTP_ERROR', details: { scriptId: '(batch execution)' } },
    });
    expect(r.envelope.error).toMatchObject({ statusCode: 400, code: 'HTTP_ERROR', name: 'ReferenceError' });
    expect(r.envelope.errorBody).toEqual(r.body);
  });
});
