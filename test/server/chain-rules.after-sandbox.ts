/**
 * Enfyra's chain rules through HTTP that need the sandbox branch (Enfyra's
 * batch rules, error shapes with `code`, logs as JSON values, the handler
 * timeout). Not run yet: vitest includes *.test.ts only. When the sandbox
 * branch merges, rename this file to chain-rules.after-sandbox.test.ts.
 *
 * Sources: kernel executor.worker.js at c83d56d4 (lines 545-720),
 * HEAD test/executor-engine/executor-batch.spec.ts and
 * throw-error-propagation.spec.ts, dynamic-interceptor.middleware.ts,
 * dynamic.service.ts, dynamic.routes.ts.
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
    ...r('/short', { preHooks: [{ name: 'answer', sourceCode: "$ctx.$logs('pre'); return { early: true };", methods: ['GET'] }], handlers: { GET: { sourceCode: "$ctx.$logs('handler'); return {};" } }, postHooks: [postLog] }),
    ...r('/short-null', { preHooks: [{ name: 'answer null', sourceCode: 'return null;', methods: ['GET'] }], handlers: { GET: { sourceCode: 'return { reached: true };' } } }),
    ...r('/pre-error', { preHooks: [{ name: 'fail', sourceCode: "@THROW400('nope');", methods: ['GET'] }], handlers: { GET: { sourceCode: 'return {};' } }, postHooks: [postLog] }),
    ...r('/handler-error', {
      handlers: { GET: { sourceCode: "@THROW422('bad input', { field: 'name' });" } },
      postHooks: [{ name: 'inspect', sourceCode: "$ctx.$logs({ error: @ERROR && @ERROR.message, api: @API.error && @API.error.statusCode, data: @DATA, status: @STATUS });", methods: ['GET'] }],
    }),
    ...r('/post-error', {
      handlers: { GET: { sourceCode: 'return { fine: true };' } },
      postHooks: [
        { name: 'breaks', sourceCode: "throw new Error('post boom');", methods: ['GET'], priority: 10 },
        { name: 'still runs', sourceCode: "$ctx.$logs('after the broken one');", methods: ['GET'], priority: 20 },
      ],
    }),
    ...r('/no-return', { handlers: { GET: { sourceCode: '$ctx.$statusCode = 201;' } }, postHooks: [{ name: 'look', sourceCode: "$ctx.$logs(typeof @DATA, @STATUS);", methods: ['GET'], priority: -1 }] }),
    ...r('/uncaught', { handlers: { GET: { sourceCode: "const first = 'row 1';\nconst second = missingValue + 1;\nreturn { first, second };" } } }),
    ...r('/slow', { handlers: { GET: { sourceCode: 'await $ctx.$helpers.$sleep(3000); return {};', timeout: 300 } } }),
    ...r('/teapot', { handlers: { GET: { sourceCode: "@THROW['418']();" } } }),
  });
  project = await openProject(dir);
});

afterAll(() => project?.close());

describe('Enfyra chain rules through HTTP (need the sandbox branch)', () => {
  it('a pre-hook returning a value answers with it: handler and post-hooks skipped, no Default response wrapping', async () => {
    const r = await send(project, 'GET', '/short');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ early: true, logs: ['pre'] });
  });

  it('a pre-hook returning null answers too (only undefined goes on)', async () => {
    const r = await send(project, 'GET', '/short-null');
    expect(r.body).toBeNull();
  });

  it('a pre-hook error skips the post-hooks', async () => {
    const r = await send(project, 'GET', '/pre-error');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('post-hook ran');
  });

  it('on a handler error the post-hooks run with $error/$api.error set, $data null, $statusCode the error status; the error stands', async () => {
    const r = await send(project, 'GET', '/handler-error');
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ success: false, message: 'bad input', error: { code: 'HTTP_ERROR', details: { field: 'name' } } });
    expect((r.body as { logs: unknown[] }).logs).toEqual([{ error: 'bad input', api: 422, data: null, status: 422 }]);
  });

  it('a post-hook error is swallowed and the next post-hook runs', async () => {
    const r = await send(project, 'GET', '/post-error');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fine: true, message: 'Success', logs: ['after the broken one'] });
  });

  it('$data is undefined in post-hooks when the handler returned nothing; $statusCode is 200 before post-hooks', async () => {
    const r = await send(project, 'GET', '/no-return');
    expect(r.status).toBe(200);
    expect((r.body as { logs: unknown[] }).logs).toEqual(['undefined', 200]);
  });

  it('an uncaught handler error is 400 with the script location and a code frame (HTTP_ERROR via DynamicService)', async () => {
    const r = await send(project, 'GET', '/uncaught');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      message: expect.stringMatching(/^Script execution failed: missingValue is not defined \(handler, line 2\)$/),
      error: { code: 'HTTP_ERROR', details: { phase: 'handler', line: 2, codeFrame: expect.stringContaining('missingValue') } },
    });
    expect(r.trace.error?.location).toMatchObject({ line: 2 });
  });

  it('the handler record\'s timeout applies: 408 "Script execution timed out after 300ms"', async () => {
    const r = await send(project, 'GET', '/slow');
    expect(r.status).toBe(408);
    expect(r.body).toMatchObject({ message: 'Script execution timed out after 300ms' });
  });

  it('any status key of $throw works, with Enfyra\'s default message', async () => {
    const r = await send(project, 'GET', '/teapot');
    expect(r.status).toBe(418);
  });
});
