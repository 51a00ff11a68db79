/**
 * --record: a request becomes a fixture that replays green straight away,
 * and fails with a readable difference once the hook's output changes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { getJson, jsonInit, startDev } from './dev-process.ts';
import { route, serverProject, USERS } from './support.ts';

const RESTOCK = `const id = $ctx.$params.id;
const found = await $ctx.$repos.products.find({ filter: { id: { _eq: id } } });
const product = found.data[0];
const before = await $ctx.$cache.get('restock:' + id);
await $ctx.$cache.set('restock:' + id, (before || 0) + 1, 60000);
await $ctx.$repos.products.update({ id, data: { stock: product.stock + 5 } });
$ctx.$logs('restocked ' + product.name);
return { id: product.id, name: product.name, stock: product.stock + 5, count: (before || 0) + 1, at: new Date().toISOString(), token: $ctx.$helpers.$crypto.randomUUID() };
`;

// Seed pattern 1 written for Enfyra 2.2 (`filter`, not `where`): reads one row, caches it.
const PROFILE = `const key = 'user-profile:' + $ctx.$params.id;
const cached = await $ctx.$cache.get(key);
if (cached) return cached;
const found = await $ctx.$repos.user_definition.find({ filter: { id: { _eq: $ctx.$params.id } } });
await $ctx.$cache.set(key, found.data[0], 300000);
$ctx.$logs('User profile cached: ' + $ctx.$params.id);
return found.data[0];
`;

function project(): string {
  return serverProject(
    {
      'routes/products.json': route({ path: '/products', publicMethods: ['GET', 'POST'] }),
      'routes/restock.json': route({ path: '/restock/:id', availableMethods: ['POST'], handlers: { POST: { file: 'restock.js' } } }),
      'routes/restock.js': RESTOCK,
      'hooks/profile.js': PROFILE,
    },
    { cache: { driver: 'sqlite' } },
  );
}

function fixtures(dir: string): string[] {
  return readdirSync(dir).map((f) => path.join(dir, f));
}

describe('recording requests as fixtures', () => {
  it('request --record writes a fixture with the starting state it read; it replays green, and an edited hook fails it with a readable diff', async () => {
    const dir = project();
    // The local database drifts from the seed: a product the seed does not have, already restocked once.
    const created = await runCli(['request', 'POST', '/products', '--body', '{"name":"Kettle","slug":"kettle","price":30,"stock":2}', '--json'], { cwd: dir });
    const id = JSON.parse(created.stdout).data.data[0].id;
    expect((await runCli(['request', 'POST', `/restock/${id}`, '--user', USERS.admin.id], { cwd: dir })).code).toBe(0);

    const recorded = await runCli(['request', 'POST', `/restock/${id}`, '--user', USERS.admin.id, '--record', 'recorded', '--json'], { cwd: dir });
    expect(recorded.code).toBe(0);
    expect(JSON.parse(recorded.stdout).data).toMatchObject({ name: 'Kettle', stock: 12, count: 2 });
    const [file] = fixtures(path.join(dir, 'recorded'));
    const fixture = JSON.parse(readFileSync(file!, 'utf8'));
    expect(fixture).toMatchObject({
      method: 'POST',
      path: `/restock/${id}`,
      request: { user: USERS.admin.id },
      state: {
        cache: { [`restock:${id}`]: { value: 1 } },
        tables: { products: [expect.objectContaining({ id, name: 'Kettle', stock: 7 })], enfyra_user: [expect.objectContaining({ id: USERS.admin.id })] },
      },
      expect: {
        statusCode: 200,
        data: { statusCode: 200, id, name: 'Kettle', stock: 12, count: 2, at: { $regex: expect.any(String) }, token: { $regex: expect.any(String) }, message: 'Success', logs: ['restocked Kettle'] },
        logs: ['restocked Kettle'],
        cache: { [`restock:${id}`]: 2 },
        tables: { products: { [String(id)]: expect.objectContaining({ stock: 12, updatedAt: { $regex: expect.any(String) } }) } },
      },
    });

    const green = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(green.stdout).toMatch(/1 passed, 0 failed/);
    expect(green.code).toBe(0);

    writeFileSync(path.join(dir, 'routes/restock.js'), RESTOCK.replace('name: product.name,', 'name: product.name.toUpperCase(),'));
    const red = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(red.code).toBe(1);
    expect(red.stdout).toMatch(/0 passed, 1 failed/);
    expect(red.stdout).toMatch(/data\.name/);
    expect(red.stdout).toMatch(/"Kettle"/);
    expect(red.stdout).toMatch(/"KETTLE"/);
  });

  it('dev --record writes one fixture per request, token users as user ids, errors included, and they replay green', async () => {
    const dir = project();
    const dev = await startDev(dir, ['--record', 'recorded']);
    try {
      expect((await getJson(`${dev.url}/restock/3`, { method: 'POST' })).status).toBe(401);
      const token = await signFor(dir, USERS.admin.id);
      const ok = await getJson(`${dev.url}/restock/3`, jsonInit('POST', {}, { authorization: `Bearer ${token}` }));
      expect(ok.body).toMatchObject({ id: 3, count: 1 });
      expect((await getJson(`${dev.url}/missing`)).status).toBe(404);
      await dev.waitForLog(/recorded GET \/missing/);
    } finally {
      await dev.stop();
    }
    const files = fixtures(path.join(dir, 'recorded'));
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['get-missing.json', 'post-restock-3-2.json', 'post-restock-3.json']);
    const authed = JSON.parse(readFileSync(path.join(dir, 'recorded/post-restock-3-2.json'), 'utf8'));
    expect(authed.request).toEqual({ headers: { 'content-type': 'application/json' }, body: {}, user: USERS.admin.id });
    const replay = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(replay.stdout).toMatch(/3 passed, 0 failed/);
    expect(replay.code).toBe(0);
  });
});

describe('recording uploads', () => {
  // Stores the file and answers what it was sent; the temp path and the stored location are new each run (recorded as patterns).
  const IMPORT = `const f = $ctx.$uploadedFile;
const saved = await $ctx.$storage.$upload({ file: f });
return { name: f.originalname, type: f.mimetype, size: f.size, title: $ctx.$body.title, at: f.path, location: saved.data[0].location };
`;

  it('dev --record writes a multipart request as its fields and a copy of its file; the fixture replays green, and fails once the copy changes', async () => {
    const dir = serverProject({
      'routes/import.json': route({ path: '/import', availableMethods: ['POST'], publicMethods: ['POST'], handlers: { POST: { file: 'import.js' } } }),
      'routes/import.js': IMPORT,
    });
    const dev = await startDev(dir, ['--record', 'recorded']);
    try {
      const body = new FormData();
      body.append('title', 'Q3 stock');
      body.append('file', new Blob(['sku,qty\npen,3\n'], { type: 'text/csv' }), 'stock.csv');
      const r = await getJson(`${dev.url}/import`, { method: 'POST', body });
      expect(r.body).toMatchObject({ name: 'stock.csv', type: 'text/csv', size: 14, title: 'Q3 stock' });
      await dev.waitForLog(/recorded POST \/import/);
    } finally {
      await dev.stop();
    }
    const fixture = JSON.parse(readFileSync(path.join(dir, 'recorded/post-import.json'), 'utf8'));
    expect(fixture.request).toEqual({
      headers: { 'content-type': 'multipart/form-data' },
      body: { title: 'Q3 stock' },
      file: { path: expect.stringMatching(/^recorded\/files\/[0-9a-f]{12}\/stock\.csv$/), mimetype: 'text/csv' },
      user: null,
    });
    expect(fixture.expect.data.at).toEqual({ $regex: expect.stringContaining('enfyra-upload-') });
    expect(fixture.expect.data.location).toEqual({ $regex: expect.stringContaining('stock_') });
    expect(fixture.expect.effects).toEqual([expect.objectContaining({ type: 'storage.upload', location: { $regex: expect.any(String) }, path: { $regex: expect.any(String) } })]);
    const copy = path.join(dir, fixture.request.file.path);
    expect(readFileSync(copy, 'utf8')).toBe('sku,qty\npen,3\n');

    const green = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(green.stdout).toMatch(/1 passed, 0 failed/);
    expect(green.code).toBe(0);

    // The replay sends the copy: other bytes, another size.
    writeFileSync(copy, 'sku,qty\n');
    const red = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(red.code).toBe(1);
    expect(red.stdout).toMatch(/data\.size/);
  });

  it('run --record --file keeps a copy of the file too, and the fixture replays green', async () => {
    const dir = serverProject({ 'hooks/import.js': IMPORT, 'data/prices.csv': 'a,b\n' });
    const r = await runCli(['run', 'hooks/import.js', '--method', 'POST', '--body', '{"title":"T"}', '--file', 'data/prices.csv', '--record', 'recorded'], { cwd: dir });
    expect(r.code).toBe(0);
    const [file] = fixtures(path.join(dir, 'recorded')).filter((f) => f.endsWith('.json'));
    const fixture = JSON.parse(readFileSync(file!, 'utf8'));
    expect(fixture.request.file).toEqual({ path: expect.stringMatching(/^recorded\/files\/[0-9a-f]{12}\/prices\.csv$/), mimetype: 'text/csv' });
    const replay = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(replay.stdout).toMatch(/1 passed, 0 failed/);
  });
});

describe('run --record', () => {
  it('writes a fixture naming the hook, with the rows and keys it read; it replays green', async () => {
    const dir = project();
    const r = await runCli(['run', 'hooks/profile.js', '--params', 'id=2', '--record', 'recorded'], { cwd: dir });
    expect(r.code).toBe(0);
    const [file] = fixtures(path.join(dir, 'recorded'));
    const fixture = JSON.parse(readFileSync(file!, 'utf8'));
    expect(fixture).toMatchObject({
      hook: 'hooks/profile.js',
      request: { params: { id: '2' } },
      state: { tables: { user_definition: [expect.objectContaining({ id: 2, email: 'alice@example.com' })] } },
      expect: { statusCode: 200, error: null, logs: ['User profile cached: 2'], cache: { 'user-profile:2': expect.objectContaining({ id: 2 }) } },
    });
    const replay = await runCli(['replay', 'recorded'], { cwd: dir });
    expect(replay.stdout).toMatch(/1 passed, 0 failed/);
  });
});

/** A token as the project's login would issue it, from the project's own secret. */
async function signFor(dir: string, id: string): Promise<string> {
  const { SignJWT } = await import('jose');
  const secret = JSON.parse(readFileSync(path.join(dir, 'enfyra.config.json'), 'utf8')).helpers.jwtSecret as string;
  return new SignJWT({ id }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
}
