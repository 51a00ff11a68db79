import { describe, it, expect, beforeAll } from 'vitest';
import { scratchProject, runCli } from '../support/cli.ts';

let cwd: string;
beforeAll(() => {
  cwd = scratchProject({
    'hooks/conflict.js': `$ctx.$throw['409']('Record is currently being modified');`,
    'hooks/broken.js': `const a = 1;\nif (a {\n  return a;\n}`,
    'hooks/loops.js': `while (true) {}`,
    'bad-config.json': `{"sandbox": {"cpuTimeoutMs": "fast"}}`,
    'not-json-config.json': `{"sandbox": `,
    'body.json': `{"price": 9.5}`,
  });
});

const json = (stdout: string) => JSON.parse(stdout.trim());

describe('enfyra-run <hook>', () => {
  it('hello.js --params id=123 --json prints a 200 envelope that uses the param (via the bin shebang)', async () => {
    const r = await runCli(['hooks/hello.js', '--params', 'id=123', '--json'], { cwd, viaShebang: true });
    expect(r.code).toBe(0);
    const envelope = json(r.stdout);
    expect(envelope).toMatchObject({ statusCode: 200, error: null, data: { id: '123' } });
    expect(Object.keys(envelope).sort()).toEqual(['data', 'durationMs', 'effects', 'error', 'logs', 'statusCode', 'warnings']);
    expect(envelope.logs).toEqual(['hello.js called with id=123']);
  });

  it('`run <hook>` is the same command', async () => {
    const r = await runCli(['run', 'hooks/hello.js', '--params', '{"id":"7"}', '--json'], { cwd });
    expect(json(r.stdout).data.id).toBe('7');
  });

  it('a $throw 409 gives status 409, the message, exit code 1', async () => {
    const r = await runCli(['hooks/conflict.js', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(json(r.stdout)).toMatchObject({
      statusCode: 409,
      data: null,
      error: { statusCode: 409, name: 'ConflictException', message: 'Record is currently being modified' },
    });
  });

  it('a syntax error exits 1 and names the file and line', async () => {
    const r = await runCli(['hooks/broken.js', '--json'], { cwd });
    expect(r.code).toBe(1);
    const envelope = json(r.stdout);
    expect(envelope.error.name).toBe('SyntaxError');
    expect(envelope.error.message).toContain('hooks/broken.js:2:');
  });

  it('an endless loop ends with a timeout error and exit 1', async () => {
    const r = await runCli(['hooks/loops.js', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(json(r.stdout).error).toMatchObject({ statusCode: 500, name: 'TimeoutError' });
  });

  it('human output shows status, data (as JSON), logs and duration, without colors under NO_COLOR', async () => {
    const r = await runCli(['hooks/hello.js', '--params', 'id=5'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ 200 hooks\/hello\.js \(\d+(\.\d+)? ms\)/);
    expect(r.stdout).toContain('  "id": "5"');
    expect(r.stdout).toContain('logs:\n  hello.js called with id=5');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('cache-first.js shows a miss, then a hit, on the embedded sqlite defaults', async () => {
    const first = await runCli(['hooks/cache-first.js', '--params', 'id=2', '--json'], { cwd });
    const second = await runCli(['hooks/cache-first.js', '--params', 'id=2', '--json'], { cwd });
    expect(json(first.stdout).logs).toEqual(['User profile cached: 2']);
    expect(json(second.stdout).logs).toEqual(['User profile served from cache: 2']);
    expect(json(second.stdout).data).toEqual(json(first.stdout).data);
  });

  it('--body @file, --method and --user reach the hook', async () => {
    const dir = scratchProject({ 'hooks/echo.js': 'return { body: $ctx.$body, method: $ctx.$req.method, user: $ctx.$user }', 'body.json': '{"price":9.5}' });
    const r = await runCli(['hooks/echo.js', '--body', '@body.json', '--method', 'patch', '--user', '{"id":9}', '--json'], { cwd: dir });
    expect(json(r.stdout).data).toEqual({ body: { price: 9.5 }, method: 'PATCH', user: { id: 9 } });
    const anon = await runCli(['hooks/echo.js', '--anonymous', '--json'], { cwd: dir });
    expect(json(anon.stdout).data.user).toBeNull();
  });
});

describe('usage and configuration errors exit 2 with one line on stderr', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['hooks/hello.js', '--paramz', 'id=1'], /unknown option '--paramz'/],
    ['--params without =', ['hooks/hello.js', '--params', 'id'], /--params expects key=value/],
    ['--body that is not JSON', ['hooks/hello.js', '--body', '{oops'], /--body is not valid JSON/],
    ['a missing hook file', ['hooks/nope.js'], /hook file not found: hooks\/nope\.js/],
    ['a missing config file', ['hooks/hello.js', '--config', 'missing.json'], /cannot read config .*missing\.json: ENOENT/],
    ['a config that is not JSON', ['hooks/hello.js', '--config', 'not-json-config.json'], /is not valid JSON/],
    ['a config with a wrong type', ['hooks/hello.js', '--config', 'bad-config.json'], /field "sandbox\.cpuTimeoutMs"/],
    ['a missing hook argument', ['run'], /missing required argument 'hook'/],
  ];
  for (const [label, args, message] of cases) {
    it(label, async () => {
      const r = await runCli(args, { cwd });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it('--help explains the flags and exits 0', async () => {
    const r = await runCli(['run', '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--params <k=v|json>');
    expect(r.stdout).toContain('Exit codes');
  });
});
