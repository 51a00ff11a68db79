/**
 * Chain rules through HTTP that rest on the isolate's side: errors located in
 * the source, `$throw` as a proxy with details as given, the handler record's
 * timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedProject } from '../../runtime/server/served-project.ts';
import { openProject, route, send, serverProject } from './support.ts';

let project: ServedProject;

beforeAll(async () => {
  const r = (path: string, spec: Record<string, unknown>) => ({
    [`routes${path}.json`]: route({ path, availableMethods: ['GET'], publicMethods: ['GET'], ...spec }),
  });
  const dir = serverProject({
    ...r('/handler-error', { handlers: { GET: { sourceCode: "@THROW422('bad input', { field: 'name' });" } } }),
    ...r('/uncaught', { handlers: { GET: { sourceCode: "const first = 'row 1';\nconst second = missingValue + 1;\nreturn { first, second };" } } }),
    ...r('/pre-uncaught', { preHooks: [{ name: 'broken', sourceCode: 'const x = 1;\nconst y = noSuchVar;', methods: ['GET'] }], handlers: { GET: { sourceCode: 'return {};' } } }),
    ...r('/slow', { handlers: { GET: { sourceCode: 'await $ctx.$helpers.$sleep(3000); return {};', timeout: 300 } } }),
    ...r('/teapot', { handlers: { GET: { sourceCode: "@THROW['418']();" } } }),
  });
  project = await openProject(dir);
});

afterAll(() => project?.close());

describe('Enfyra chain rules through HTTP: located errors, $throw, the handler timeout', () => {
  it('a 4xx $throw from a handler keeps its details object (HTTP_ERROR)', async () => {
    const r = await send(project, 'GET', '/handler-error');
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ success: false, message: 'bad input', error: { code: 'HTTP_ERROR', details: { field: 'name' } } });
  });

  it('an uncaught handler error is 400 with the script location and a code frame (HTTP_ERROR via DynamicService)', async () => {
    const r = await send(project, 'GET', '/uncaught');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      message: expect.stringMatching(/^Script execution failed: missingValue is not defined \(handler, line 2\)$/),
      error: { code: 'HTTP_ERROR', details: { scriptId: '(batch execution)', phase: 'handler', line: 2, codeFrame: expect.stringContaining('missingValue') } },
    });
    expect(r.trace.error?.location).toMatchObject({ line: 2 });
  });

  it('an uncaught pre-hook error is a 400 SCRIPT_EXECUTION_ERROR naming "preHook #1"', async () => {
    const r = await send(project, 'GET', '/pre-uncaught');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      message: 'Script execution failed: noSuchVar is not defined (preHook #1, line 2)',
      error: { code: 'SCRIPT_EXECUTION_ERROR', details: { phase: 'preHook #1', line: 2 } },
    });
  });

  it('the handler record\'s timeout applies: 408 SCRIPT_TIMEOUT "Script execution timed out after 300ms"', async () => {
    const r = await send(project, 'GET', '/slow');
    expect(r.status).toBe(408);
    expect(r.body).toMatchObject({ message: 'Script execution timed out after 300ms', error: { code: 'SCRIPT_TIMEOUT' } });
  });

  it('any status key of $throw works, with Enfyra\'s default message', async () => {
    const r = await send(project, 'GET', '/teapot');
    expect(r.status).toBe(418);
  });
});
