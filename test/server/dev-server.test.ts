/**
 * `enfyra-run dev` over a real socket: the acceptance flow, hot reload,
 * failures that stay local to their request, and a clean stop.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests, uniqueNamespace, deleteKeysWithPrefix, type TestRedis } from '../support/redis.ts';
import { getJson, jsonInit, startDev, type DevProcess } from './dev-process.ts';
import { route, serverProject } from './support.ts';

const PUBLIC_ALL = ['GET', 'POST', 'PATCH', 'DELETE'];

describe('enfyra-run dev: the acceptance flow over HTTP', () => {
  let dev: DevProcess;
  let dir: string;

  beforeAll(async () => {
    dir = serverProject({
      'routes/products.json': route({ path: '/products', publicMethods: PUBLIC_ALL }),
      'routes/fails.json': route({
        path: '/fails',
        availableMethods: ['GET'],
        publicMethods: ['GET'],
        handlers: { GET: { file: 'fails.js' } },
      }),
      'routes/fails.js': 'const a = 1;\nconst b = ;\nreturn a;\n',
    });
    dev = await startDev(dir);
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('GET /products?limit=2&sort=-id answers Enfyra\'s body', async () => {
    const r = await getJson(`${dev.url}/products?limit=2&sort=-id`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, message: 'Success' });
    expect(Array.isArray(r.body.data)).toBe(true);
  });

  it('POST creates a row, PATCH /products/ID and DELETE /products/ID work', async () => {
    const created = await getJson(`${dev.url}/products`, jsonInit('POST', { name: 'Lamp', slug: 'lamp-dev', price: 12 }));
    expect(created.status).toBe(200);
    const id = created.body.data[0].id;
    expect(created.body.data[0]).toMatchObject({ name: 'Lamp', price: 12 });
    const patched = await getJson(`${dev.url}/products/${id}`, jsonInit('PATCH', { price: 15 }));
    expect(patched.body).toMatchObject({ statusCode: 200, data: [{ id, price: 15 }], message: 'Success' });
    const deleted = await getJson(`${dev.url}/products/${id}`, { method: 'DELETE' });
    expect(deleted.body).toEqual({ statusCode: 200, message: 'Success' });
    const again = await getJson(`${dev.url}/products/${id}`, jsonInit('PATCH', { price: 1 }));
    expect(again.status).toBeGreaterThanOrEqual(400);
  });

  it('an unknown path gives Enfyra\'s 404 body', async () => {
    const r = await getJson(`${dev.url}/no/such/route?q=1`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      success: false,
      message: 'Not Found',
      statusCode: 404,
      error: { code: 'NOT_FOUND', message: 'Not Found', path: '/no/such/route', method: 'GET', timestamp: expect.any(String) },
    });
  });

  it('a broken hook answers with Enfyra\'s error body naming the file, line and column', async () => {
    const r = await getJson(`${dev.url}/fails`);
    expect(r.status).toBe(400);
    // The engine's 400 ScriptExecutionException leaves DynamicService as an HttpException (HEAD's dynamic-service-error-reporting.spec.ts).
    expect(r.body).toMatchObject({ success: false, statusCode: 400, error: { code: 'HTTP_ERROR', path: '/fails', method: 'GET' } });
    expect(r.body.message).toMatch(/routes\/fails\.js:2:\d+/);
  });

  it('malformed JSON is 400 and a body over 10 MB is 413, as Enfyra answers them', async () => {
    const bad = await getJson(`${dev.url}/products`, { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, statusCode: 400, error: { code: 'SyntaxError' } });
    const big = await getJson(`${dev.url}/products`, { method: 'POST', body: JSON.stringify({ a: 'x'.repeat(10 * 1024 * 1024 + 1) }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, message: 'request entity too large' });
  });

  it('CORS reflects the origin with credentials, as Enfyra configures it', async () => {
    const res = await fetch(`${dev.url}/products`, { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'PATCH' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('enfyra-run dev: hot reload', () => {
  let dev: DevProcess;
  let dir: string;

  beforeAll(async () => {
    dir = serverProject({
      'routes/greet.json': route({ path: '/greet', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { file: 'greet.js' } } }),
      'routes/greet.js': "return { hello: 'world' };\n",
      'routes/other.json': route({ path: '/other', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: 'return { other: true };' } } }),
    });
    dev = await startDev(dir);
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('an edited hook applies to the next request', async () => {
    expect((await getJson(`${dev.url}/greet`)).body).toMatchObject({ hello: 'world' });
    writeFileSync(path.join(dir, 'routes/greet.js'), "return { hello: 'again, edited' };\n");
    expect((await getJson(`${dev.url}/greet`)).body).toMatchObject({ hello: 'again, edited' });
  });

  it('a hook with a syntax error answers its own requests with file:line:column; other routes keep serving', async () => {
    writeFileSync(path.join(dir, 'routes/greet.js'), "const x = {;\nreturn x;\n");
    const broken = await getJson(`${dev.url}/greet`);
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/routes\/greet\.js:1:\d+/);
    expect((await getJson(`${dev.url}/other`)).status).toBe(200);
    writeFileSync(path.join(dir, 'routes/greet.js'), "return { hello: 'fixed' };\n");
    expect((await getJson(`${dev.url}/greet`)).body).toMatchObject({ hello: 'fixed' });
  });

  it('a new route file is served without a restart; a broken one answers with the problem (file, line, column)', async () => {
    expect((await getJson(`${dev.url}/added`)).status).toBe(404);
    const before = dev.stderr().length;
    writeFileSync(path.join(dir, 'routes/added.json'), route({ path: '/added', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: 'return { added: 1 };' } } }));
    await waitUntil(() => dev.stderr().slice(before).includes('routes reloaded'));
    expect((await getJson(`${dev.url}/added`)).body).toMatchObject({ added: 1 });

    const logLength = dev.stderr().length;
    writeFileSync(path.join(dir, 'routes/added.json'), '{\n  "path": "/added",\n  "availableMethods": ["GET"]\n  "oops": 1\n}\n');
    await waitUntil(() => dev.stderr().slice(logLength).includes('route problem'));
    const broken = await getJson(`${dev.url}/added`);
    expect(broken.status).toBe(500);
    expect(broken.body).toMatchObject({ success: false, error: { code: 'CONFIGURATION_ERROR' } });
    expect(broken.body.message).toMatch(/routes\/added\.json:4:\d+: .*JSON/);
    expect((await getJson(`${dev.url}/other`)).status).toBe(200);
  });

  it('a route file with a wrong field names the file and field', async () => {
    const logLength = dev.stderr().length;
    writeFileSync(path.join(dir, 'routes/added.json'), route({ path: '/added', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: 'return 1;', timeout: 'soon' } } }));
    await waitUntil(() => dev.stderr().slice(logLength).includes('route problem'));
    expect(dev.stderr().slice(logLength)).toMatch(/routes\/added\.json: field "handlers\.GET\.timeout"/);
    expect((await getJson(`${dev.url}/added`)).body.message).toMatch(/handlers\.GET\.timeout/);
  });

  it('a broken config answers every request with the problem until it is fixed', async () => {
    const configFile = path.join(dir, 'enfyra.config.json');
    const good = JSON.stringify({ helpers: { jwtSecret: 'x' }, cache: { driver: 'memory' } });
    writeFileSync(configFile, '{ "cache": { "driver": "nope" } }');
    await dev.waitForLog('config problem');
    const broken = await getJson(`${dev.url}/other`);
    expect(broken.status).toBe(500);
    expect(broken.body.message).toMatch(/cache\.driver/);
    writeFileSync(configFile, good);
    await dev.waitForLog('project reloaded');
    expect((await getJson(`${dev.url}/other`)).status).toBe(200);
  });

  it('a schema change says how to apply it and drops nothing', async () => {
    const schemaFile = path.join(dir, 'fixtures/schema.json');
    const { readFileSync } = await import('node:fs');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    schema.products.columns.push({ name: 'weight', type: 'float' });
    writeFileSync(schemaFile, JSON.stringify(schema));
    await dev.waitForLog('enfyra-run db reset');
    await dev.waitForLog(/database problem: .*no column "weight".*enfyra-run db reset/);
  });
});

describe('enfyra-run dev: one request failing never stops the others', () => {
  let dev: DevProcess;

  beforeAll(async () => {
    const dir = serverProject(
      {
        'routes/spin.json': route({ path: '/spin', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: 'while (true) {}' } } }),
        'routes/hog.json': route({ path: '/hog', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: "const a = []; while (true) a.push(new Array(1e6).fill(a.length));" } } }),
        'routes/ok.json': route({ path: '/ok/:n', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { sourceCode: 'return { n: @PARAMS.n };' } } }),
      },
      { sandbox: { cpuTimeoutMs: 1500, wallTimeoutMs: 20_000, memoryLimitMb: 32 } },
    );
    dev = await startDev(dir);
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('an endless loop and a memory hog answer their own requests with errors while 20 others are served', async () => {
    const spin = getJson(`${dev.url}/spin`);
    const hog = getJson(`${dev.url}/hog`);
    const others = Array.from({ length: 20 }, (_, i) => getJson(`${dev.url}/ok/${i}`));
    const done = await Promise.all(others);
    done.forEach((r, i) => expect(r.body).toMatchObject({ n: String(i) }));
    const [s, h] = await Promise.all([spin, hog]);
    expect(s.status).toBeGreaterThanOrEqual(400);
    expect(s.body.success).toBe(false);
    expect(s.body.message).toMatch(/time|timed out/i);
    expect(h.status).toBeGreaterThanOrEqual(400);
    // The memory limit, or the CPU budget when garbage collection near the limit spends it first.
    expect(h.body.message).toMatch(/memory|CPU time/i);
    expect((await getJson(`${dev.url}/ok/after`)).body).toMatchObject({ n: 'after' });
  });
});

describe('enfyra-run dev: stopping', () => {
  let redis: TestRedis | null;
  beforeAll(async () => {
    redis = await redisForTests('dev server stop');
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('SIGTERM lets the request in flight finish, releases the lock its hook still holds, exits 0 with one line', async (ctx) => {
    if (!redis) return ctx.skip();
    const namespace = uniqueNamespace('dev-stop');
    const dir = serverProject(
      {
        'routes/slow.json': route({
          path: '/slow',
          availableMethods: ['GET'],
          publicMethods: ['GET'],
          handlers: { GET: { sourceCode: "await $ctx.$cache.acquire('job-lock', 'holder', 60000); await $ctx.$helpers.$sleep(1500); return { finished: true };" } },
        }),
      },
      { cache: { driver: 'redis', namespace, redis: { url: redis.url } } },
    );
    const dev = await startDev(dir);
    const client = new Redis(redis.url);
    try {
      const inFlight = getJson(`${dev.url}/slow`);
      await waitUntil(async () => (await client.keys(`${namespace}:*job-lock*`)).length > 0);
      const stopped = dev.stop('SIGTERM');
      const answer = await inFlight;
      expect(answer.body).toMatchObject({ finished: true });
      const { code, stdout } = await stopped;
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^enfyra-run dev: stopped \(1 request served, 1 held lock released\)$/);
      expect(await client.keys(`${namespace}:*job-lock*`)).toEqual([]);
    } finally {
      await deleteKeysWithPrefix(redis.url, `${namespace}:`);
      client.disconnect();
    }
  });
});

async function waitUntil(test: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
