/** The request flags and TypeScript hooks through the real CLI (exit codes, one-line usage errors). */
import { describe, expect, it } from 'vitest';
import { runCli, scratchProject } from '../support/cli.ts';

const cwd = scratchProject({
  'hooks/echo.js': 'return { params: $ctx.$params, query: $ctx.$query, req: $ctx.$req, body: $ctx.$body };',
  'hooks/broken.ts': 'interface A { a: number }\nconst a: A = { a: 1 };\nconst b = a.;\nreturn b;\n',
  'payload.json': '{ "event": "paid",\n  "amount": 5 }\n',
});
const json = (text: string) => JSON.parse(text);

describe('request flags through the CLI', () => {
  it('--url with a query string fills $query; --params numbers arrive as strings', async () => {
    const r = await runCli(['hooks/echo.js', '--url', '/a?y=1&filter={"id":2}', '--params', '{"id":5}', '--json'], { cwd });
    expect(r.code).toBe(0);
    const data = json(r.stdout).data;
    expect(data.query).toEqual({ y: '1', filter: { id: 2 }, _filter: {} });
    expect(data.params).toEqual({ id: '5' });
    expect(data.req).toMatchObject({ path: '/a', url: '/a?y=1&filter={"id":2}', params: {} });
  });

  it('--raw-body @file keeps the exact text for $req.rawBody and parses $body from it', async () => {
    const r = await runCli(['hooks/echo.js', '--method', 'POST', '--raw-body', '@payload.json', '--json'], { cwd });
    expect(r.code).toBe(0);
    const data = json(r.stdout).data;
    expect(data.req.rawBody).toBe('{ "event": "paid",\n  "amount": 5 }\n');
    expect(data.body).toEqual({ event: 'paid', amount: 5 });
  });

  it.each([
    [['--user', '42'], /^enfyra-run: --user must be a JSON object .*\(got 42\)/],
    [['--ip', 'not-an-ip'], /^enfyra-run: --ip must be an IPv4 or IPv6 address \(got "not-an-ip"\)/],
    [['--url', 'a?y=1'], /^enfyra-run: --url must be a path starting with "\/"/],
    [['--query', 'filter={"id":'], /^enfyra-run: --query: filter is not valid JSON/],
    [['--body', '@missing.json'], /^enfyra-run: --body: cannot read .*missing\.json: ENOENT/],
  ])('%j is a usage error: exit 2, one line on stderr, nothing on stdout', async (flags, message) => {
    const r = await runCli(['hooks/echo.js', ...flags], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('TypeScript hooks through the CLI', () => {
  it('the example hook runs', async () => {
    const r = await runCli(['hooks/price-quote.ts', '--params', 'id=2', '--query', 'quantity=3', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect(json(r.stdout).data).toEqual({ product: 'Mechanical Keyboard', quantity: 3, tier: 'staff', unitPrice: 80.91, total: 242.73, inStock: true });
  });

  it('a TS syntax error exits 1 and names the .ts file, line and column', async () => {
    const r = await runCli(['hooks/broken.ts', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(json(r.stdout).error).toMatchObject({ name: 'SyntaxError', message: 'Identifier expected. (hooks/broken.ts:3:13)' });
  });
});
