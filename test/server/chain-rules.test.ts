/**
 * The chain rules that hold with today's chain, checked through HTTP. The
 * rules that need Enfyra's batch semantics from the sandbox branch are in
 * chain-rules.after-sandbox.ts (renamed to .test.ts when that branch merges).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedProject } from '../../runtime/server/served-project.ts';
import { openProject, route, send, serverProject } from './support.ts';

let project: ServedProject;
const ALL = ['GET', 'POST'];

beforeAll(async () => {
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
    'routes/data.json': route({
      path: '/data',
      availableMethods: ['GET'],
      publicMethods: ['GET'],
      handlers: { GET: { sourceCode: "$ctx.$logs('handler'); return { from: 'handler' };" } },
      postHooks: [
        { name: 'sees handler data', sourceCode: "$ctx.$logs('post 1 saw ' + @DATA.from);", priority: 1, methods: ['GET'] },
        { name: 'replaces data', sourceCode: "return { from: 'post-hook', was: @DATA.from };", priority: 2, methods: ['GET'] },
      ],
    }),
    'routes/pre-error.json': route({
      path: '/pre-error',
      availableMethods: ALL,
      publicMethods: ALL,
      preHooks: [{ name: 'gate', sourceCode: "@THROW409('taken');", methods: ['GET'] }],
      handlers: { GET: { sourceCode: "$ctx.$logs('handler ran'); return {};" } },
    }),
  });
  project = await openProject(dir);
});

afterAll(() => project?.close());

describe('chain rules that hold through HTTP today', () => {
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

  it('a pre-hook error answers with its status; the handler does not run', async () => {
    const r = await send(project, 'GET', '/pre-error');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ success: false, statusCode: 409, message: 'taken' });
    expect(r.trace.steps.some((s) => s.phase === 'handler')).toBe(false);
    expect(JSON.stringify(r.body)).not.toContain('handler ran');
  });
});
