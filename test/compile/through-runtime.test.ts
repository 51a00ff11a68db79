/**
 * TypeScript hooks and the request surface through the whole runtime: the
 * compiled code runs in the sandbox, a script that does not compile fails the
 * request before anything runs, and `$req`/`$env`/`$params` reach the script
 * as Enfyra gives them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { Runtime } from '../../runtime/runtime.ts';
import { testConfig, hook } from '../support/runtime.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

let runtime: Runtime;
const driver = new MemoryCacheDriver();

beforeAll(async () => {
  runtime = await Runtime.create({
    config: testConfig({ envDeny: ['LOCAL_ONLY_*'] }),
    cacheDriver: driver,
    cwd: PROJECT_ROOT,
    env: { APP_MODE: 'test', STRIPE_SECRET_KEY: 'sk_test_1', SECRET_KEY: 'jwt', DB_URI: 'mysql://x', LOCAL_ONLY_TOKEN: 't' },
  });
});
afterAll(async () => {
  await runtime.close();
  await driver.close();
});

const inline = (source: string, filename = 'hooks/inline.ts') => ({ source, filename });

describe('TypeScript hooks in the sandbox', () => {
  it('run with interfaces, annotations, generics, as, satisfies and enums, as Enfyra compiles them', async () => {
    const envelope = await runtime.run(
      inline(`interface Point { x: number; y: number }
enum Color { Red, Green = 'green' }
const enum Size { S = 1, L = 3 }
function pick<T, K extends keyof T>(o: T, k: K): T[K] { return o[k]; }
const p = { x: 1, y: 2 } satisfies Point;
const n = (@PARAMS.n as unknown as string).length;
return { x: pick<Point, 'x'>(p, 'x'), red: Color.Red, redName: Color[Color.Red], green: Color.Green, size: Size.L, n };`),
      { params: { n: 12345 } },
    );
    expect(envelope.error).toBeNull();
    expect(envelope.data).toEqual({ x: 1, red: 0, redName: 'Red', green: 'green', size: 3, n: 5 });
  });

  it('an inline hook without a name is TypeScript, Enfyra\'s default language', async () => {
    const envelope = await runtime.run({ source: 'const n: number = 2;\nreturn n * 2;' });
    expect(envelope).toMatchObject({ statusCode: 200, data: 4 });
  });

  it('a type error is not an error (no type check, as in Enfyra)', async () => {
    const envelope = await runtime.run(inline('const n: number = "text" as any as boolean as never;\nreturn typeof n;'));
    expect(envelope).toMatchObject({ statusCode: 200, data: 'string' });
  });

  it('the example hook hooks/price-quote.ts runs from its file', async () => {
    const envelope = await runtime.run(hook('price-quote.ts'), { params: { id: 1 }, query: { quantity: 2 } });
    expect(envelope).toMatchObject({ statusCode: 200, data: { product: 'Wireless Mouse', quantity: 2, tier: 'staff' } });
  });

  it('a script that does not compile fails the request with the .ts line and column, and nothing runs', async () => {
    const marker = `compile-test-${process.pid}-${Date.now()}`;
    const { envelope } = await runtime.runChain({
      pre: [inline(`await $ctx.$cache.set('${marker}', 1, 60000);`, 'hooks/pre.js')],
      handler: inline('interface A { a: number }\nconst a: A = { a: 1 };\nreturn a.;', 'hooks/handler.ts'),
    });
    expect(envelope.statusCode).toBe(500);
    expect(envelope.error).toMatchObject({ statusCode: 500, name: 'SyntaxError', message: 'Identifier expected. (hooks/handler.ts:3:10)' });
    expect(envelope.error!.details).toEqual({ phase: 'compile', file: 'hooks/handler.ts', line: 3, column: 10, codeFrame: expect.stringContaining('> 3 | return a.;') });
    const check = await runtime.run(inline(`return await $ctx.$cache.get('${marker}');`, 'hooks/check.js'));
    expect(check.data).toBeNull();
  });

  it('a JavaScript hook with type syntax is refused with its line (a .js file is JavaScript)', async () => {
    const envelope = await runtime.run(inline('const ok = 1;\nconst x: number = 1;', 'hooks/x.js'));
    expect(envelope.error).toMatchObject({ name: 'SyntaxError', message: 'Missing initializer in const declaration (hooks/x.js:2:8)' });
  });
});

describe('the request surface in the sandbox', () => {
  it('$req, $query, $params and $api as Enfyra builds them', async () => {
    const envelope = await runtime.run(
      inline('return { req: $ctx.$req, query: $ctx.$query, params: $ctx.$params, api: Object.keys($ctx.$api), request: $ctx.$api.request, response: $ctx.$api.response, data: $ctx.$data };', 'hooks/surface.js'),
      { method: 'post', url: '/orders/7?expand=1', params: { id: 7 }, body: { a: 1 }, rawBody: '{"a": 1}', headers: { Host: 'shop.test:8080', 'User-Agent': 'vitest' }, ip: '::ffff:10.0.0.9' },
    );
    const data = envelope.data as Record<string, any>;
    expect(data.req).toEqual({
      method: 'POST',
      url: '/orders/7?expand=1',
      originalUrl: '/orders/7?expand=1',
      path: '/orders/7',
      headers: { host: 'shop.test:8080', 'user-agent': 'vitest' },
      query: { expand: '1', filter: {}, _filter: {} },
      params: {},
      ip: '10.0.0.9',
      hostname: 'shop.test',
      protocol: 'http',
      rawBody: '{"a": 1}',
    });
    expect(data.params).toEqual({ id: '7' });
    expect(data.api).toEqual(['request']);
    expect(data.request).toMatchObject({ method: 'POST', url: '/orders/7?expand=1', userAgent: 'vitest', ip: '10.0.0.9', correlationId: expect.stringMatching(/^req_/) });
    expect(data.response).toBeUndefined();
    expect(data.data).toBeUndefined();
  });

  it('$env is the environment minus Enfyra\'s five names and the config\'s envDeny', async () => {
    const envelope = await runtime.run(inline('return $ctx.$env;', 'hooks/env.js'));
    expect(envelope.data).toEqual({ APP_MODE: 'test', STRIPE_SECRET_KEY: 'sk_test_1' });
  });

  it('$user defaults to the local root admin with its role', async () => {
    const envelope = await runtime.run(inline('return [$ctx.$user.isRootAdmin, $ctx.$user.role.name, typeof $ctx.$user.id];', 'hooks/user.js'));
    expect(envelope.data).toEqual([true, 'Admin', 'string']);
  });
});
