/** Route files: the records they describe, hook selection as Enfyra's route cache does it, and every way a file can be wrong. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouteTable } from '../../runtime/server/routes/load-routes.ts';
import { formatProblem } from '../../runtime/server/routes/route-model.ts';
import type { ServedProject } from '../../runtime/server/served-project.ts';
import { openProject, route, send, serverProject, writeFiles } from './support.ts';

const TABLES = ['products', 'categories'];

function table(files: Record<string, string>) {
  const dir = serverProject(files);
  return { dir, table: loadRouteTable({ routesDir: `${dir}/routes`, root: dir, tables: TABLES }) };
}

describe('route files: what is wrong is named (file, field, line and column)', () => {
  it.each([
    ['not JSON', '{\n  "path": "/x",\n}', /routes\/x\.json:3:1: not valid JSON/],
    ['an unknown field', route({ path: '/x', availableMethods: ['GET'], handler: {} }), /routes\/x\.json: field "handler": unknown field/],
    ['a method Enfyra has not', route({ path: '/x', availableMethods: ['PUT'] }), /field "availableMethods\[0\]": expected one of GET, POST, PATCH, DELETE/],
    ['a path without a slash', route({ path: 'x', availableMethods: ['GET'] }), /field "path": expected a path starting with "\/"/],
    ['no availableMethods on a route that is not a table\'s', route({ path: '/x' }), /field "availableMethods": required/],
    ['an unknown main table', route({ path: '/x', mainTable: 'nope', availableMethods: ['GET'] }), /field "mainTable": unknown table "nope"/],
    ['a missing script', route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { file: 'gone.js' } } }), /field "handlers\.GET\.file": script file not found: gone\.js/],
    ['a script that is not .js/.ts', route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { file: 'x.json' } } }), /field "handlers\.GET\.file": expected a \.js or \.ts script/],
    ['both file and sourceCode', route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { file: 'a.js', sourceCode: 'return 1;' } } }), /field "handlers\.GET\.file": give the code as "file".*exactly one/],
    ['a hook without methods', route({ path: '/x', availableMethods: ['GET'], preHooks: [{ name: 'a', sourceCode: '' }] }), /field "preHooks\[0\]\.methods"/],
    ['a negative timeout', route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { sourceCode: 'return 1;', timeout: -5 } } }), /field "handlers\.GET\.timeout"/],
  ])('%s', (_what, text, message) => {
    const { table: t } = table({ 'routes/x.json': text });
    expect(t.problems).toHaveLength(1);
    expect(formatProblem(t.problems[0]!)).toMatch(message);
    expect(t.routes.map((r) => r.path)).toEqual(['/products', '/categories']);
  });

  it('two files with one path: the second is the problem', () => {
    const spec = route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { sourceCode: 'return 1;' } } });
    const { table: t } = table({ 'routes/a.json': spec, 'routes/b.json': spec });
    expect(t.problems.map(formatProblem)).toEqual(['routes/b.json: field "path": path /x is already defined in routes/a.json']);
  });

  it('a file that breaks keeps its route, answering with the problem; fixing it restores it', () => {
    const { dir, table: first } = table({ 'routes/x.json': route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { sourceCode: 'return 1;' } } }) });
    writeFiles(dir, { 'routes/x.json': '{ broken' });
    const second = loadRouteTable({ routesDir: `${dir}/routes`, root: dir, tables: TABLES, previous: first });
    expect(second.match('GET', '/x')?.route.broken?.file).toBe('routes/x.json');
    writeFiles(dir, { 'routes/x.json': route({ path: '/x', availableMethods: ['GET'], handlers: { GET: { sourceCode: 'return 2;' } } }) });
    const third = loadRouteTable({ routesDir: `${dir}/routes`, root: dir, tables: TABLES, previous: second });
    expect(third.match('GET', '/x')?.route.broken).toBeUndefined();
  });

  it('a broken global hooks file breaks every route (each answers with it)', () => {
    const { table: t } = table({ 'routes/global-hooks.json': '{"preHooks": [{}]}' });
    expect(t.routes.every((r) => r.broken?.file === 'routes/global-hooks.json')).toBe(true);
  });

  it('a disabled permission is kept (Enfyra 2.2 does not look at it) with a warning', () => {
    const { table: t } = table({ 'routes/x.json': route({ path: '/x', availableMethods: ['GET'], routePermissions: [{ role: 1, methods: ['GET'], isEnabled: false }], handlers: { GET: { sourceCode: 'return 1;' } } }) });
    expect(t.warnings.join('\n')).toMatch(/routePermissions\[0\]\.isEnabled is false, but Enfyra 2\.2 does not check it/);
    expect(t.match('GET', '/x')?.route.routePermissions).toHaveLength(1);
  });

  it('a table route edited by a file keeps the default handlers it does not replace; a disabled one is not served', () => {
    const { table: t } = table({
      'routes/products.json': route({ path: '/products', handlers: { GET: { sourceCode: 'return "mine";' } } }),
      'routes/categories.json': route({ path: '/categories', isEnabled: false }),
    });
    const products = t.match('GET', '/products')!.route;
    expect(products.handlers.get('GET')?.isDefault).toBe(false);
    expect(products.handlers.get('POST')?.isDefault).toBe(true);
    expect(products.canonical).toBe(true);
    expect(t.match('GET', '/categories')).toBeNull();
  });
});

describe('hook selection (route-cache.service.ts mergeHooks, route-detect filterHooks)', () => {
  let project: ServedProject;

  beforeAll(async () => {
    const log = (text: string) => `$ctx.$logs(${JSON.stringify(text)});`;
    const dir = serverProject({
      'routes/a.json': route({
        path: '/a',
        availableMethods: ['GET', 'POST'],
        publicMethods: ['GET', 'POST'],
        handlers: { GET: { sourceCode: log('handler') }, POST: { sourceCode: log('handler') } },
        preHooks: [
          { name: 'late', sourceCode: log('pre late (20)'), priority: 20, methods: ['GET', 'POST'] },
          { name: 'early', sourceCode: log('pre early (-5)'), priority: -5, methods: ['GET'] },
          { name: 'tie with global', sourceCode: log('pre own (0)'), methods: ['GET'] },
          { name: 'off', sourceCode: log('pre off'), methods: ['GET'], isEnabled: false },
          { name: 'everywhere', sourceCode: log('pre global from a route file (1)'), priority: 1, methods: ['GET'], isGlobal: true },
        ],
      }),
      'routes/b.json': route({ path: '/b', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: log('b handler') } } }),
      'routes/global-hooks.json': JSON.stringify({
        preHooks: [{ name: 'global', sourceCode: log('pre global (0)'), methods: ['GET', 'POST'] }],
        postHooks: [{ name: 'Default response', isEnabled: false, sourceCode: '', methods: ['GET'] }],
      }),
    });
    project = await openProject(dir);
  });

  afterAll(() => project?.close());

  it('globals and own enabled hooks for the method, by priority, globals first on a tie', async () => {
    const r = await send(project, 'GET', '/a');
    expect((r.body as { logs: unknown[] }).logs).toEqual(['pre early (-5)', 'pre global (0)', 'pre own (0)', 'pre global from a route file (1)', 'pre late (20)', 'handler']);
  });

  it('a hook runs only for the methods it lists', async () => {
    const r = await send(project, 'POST', '/a', { body: {} });
    expect((r.body as { logs: unknown[] }).logs).toEqual(['pre global (0)', 'pre late (20)', 'handler']);
  });

  it('a global hook declared in a route file runs on other routes; the seeded post-hook can be switched off', async () => {
    const r = await send(project, 'GET', '/b');
    expect(r.body).toEqual({ logs: ['pre global (0)', 'pre global from a route file (1)', 'b handler'] });
  });
});
