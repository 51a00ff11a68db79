/** `enfyra-run request`: one request through the pipeline from the command line; `run`'s output contract. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { route, serverProject, USERS } from './support.ts';

let dir: string;

beforeAll(() => {
  dir = serverProject({
    'routes/products.json': route({ path: '/products', publicMethods: ['GET', 'POST'] }),
    'routes/me.json': route({ path: '/me', availableMethods: ['GET'], skipRoleGuardMethods: ['GET'], handlers: { GET: { sourceCode: "$ctx.$logs('me'); return { email: @USER.email, role: @USER.role && @USER.role.name };" } } }),
    'routes/teapot.json': route({ path: '/teapot', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: "@THROW409('short and stout');" } } }),
  });
});

describe('enfyra-run request', () => {
  it('--json prints the envelope: statusCode is the HTTP status, data the body; exit 0', async () => {
    const r = await runCli(['request', 'GET', '/products?limit=1', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const envelope = JSON.parse(r.stdout);
    expect(envelope).toMatchObject({ statusCode: 200, data: { statusCode: 200, message: 'Success' }, error: null, logs: [], warnings: [], effects: [] });
    expect(typeof envelope.durationMs).toBe('number');
  });

  it('a status of 400 or more exits 1, with the error in the envelope', async () => {
    const r = await runCli(['request', 'GET', '/me', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ statusCode: 401, error: { statusCode: 401, code: 'UNAUTHORIZED', message: 'Unauthorized' }, data: { success: false } });
  });

  it('--user <id> signs a token for that user: $user is the row with its role', async () => {
    const r = await runCli(['request', 'GET', '/me', '--user', USERS.editor.id, '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data).toMatchObject({ email: 'editor@example.com', role: 'Editor', logs: ['me'] });
  });

  it('--user {json} is $user as given', async () => {
    const r = await runCli(['request', 'GET', '/me', '--user', '{"email":"x@y.z","isRootAdmin":true}', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).data).toMatchObject({ email: 'x@y.z' });
  });

  it('--body from a file creates a row; human output names the request', async () => {
    writeFileSync(path.join(dir, 'new.json'), JSON.stringify({ name: 'Cup', slug: 'cup-cli', price: 4 }));
    const r = await runCli(['request', 'post', '/products', '--body', '@new.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/200 .*POST \/products/);
    expect(r.stdout).toMatch(/cup-cli/);
  });

  it('a malformed --body is the server\'s 400, not a usage error', async () => {
    const r = await runCli(['request', 'POST', '/products', '--body', '{nope', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ statusCode: 400, error: { code: 'SyntaxError' } });
  });

  it('a 4xx thrown by a handler exits 1 with HTTP_ERROR', async () => {
    const r = await runCli(['request', 'GET', '/teapot', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ statusCode: 409, data: { message: 'short and stout', error: { code: 'HTTP_ERROR' } } });
  });

  it.each([
    [['request', 'GET', 'products'], /path must start with "\/"/],
    [['request', 'G3T', '/products'], /METHOD must be a word/],
    [['request', 'GET', '/me', '--user', '[1]'], /--user expects a user id/],
    [['request', 'GET', '/me', '--user', '{bad'], /--user is not valid JSON/],
    [['request', 'POST', '/products', '--body', '@missing.json'], /--body: cannot read/],
    [['request', 'GET'], /missing required argument 'path'/],
  ])('usage error %j exits 2 with one line', async (args, message) => {
    const r = await runCli(args as string[], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
