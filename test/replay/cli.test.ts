/** The CLI (run from source), spawned in throw-away copies of the project. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { pingRedis } from '../support/redis.ts';
import { project } from './support.ts';

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
const timeless = (report: string) => JSON.parse(report, (key, value) => (key === 'durationMs' ? undefined : value));

describe('enfyra-run replay (CLI)', () => {
  it('replays every fixture of a fresh copy: all pass; worker processes give the same report', async () => {
    const dir = project();
    const text = await runCli(['replay'], { cwd: dir });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    const fixtureLines = lines.filter((l) => /^(PASS|FAIL|INVALID)/.test(l));
    expect(fixtureLines.length).toBeGreaterThanOrEqual(10);
    expect(fixtureLines.every((l) => l.startsWith('PASS ') && /\(\d+ ms\)$|\(\d+\.\d+ s\)$/.test(l))).toBe(true);
    expect(lastLine(text.stdout)).toBe(`${fixtureLines.length} passed, 0 failed`);

    const inProcess = await runCli(['replay', '--reporter', 'json'], { cwd: dir, env: { ENFYRA_REPLAY_WORKERS: '0' } });
    const workers = await runCli(['replay', '--reporter', 'json', '--jobs', '2'], { cwd: dir, env: { ENFYRA_REPLAY_WORKERS: '1' } });
    expect(workers.code).toBe(0);
    expect(timeless(workers.stdout)).toEqual(timeless(inProcess.stdout));
  }, 180_000);

  it('a hook changed on one line (rate limit 10 → 5) fails with a diff naming the request and the field', async () => {
    const dir = project();
    const hook = path.join(dir, 'hooks/rate-limit.js');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace('currentCount >= 10', 'currentCount >= 5'));
    const { code, stdout } = await runCli(['replay', '--reporter', 'junit', '--out', 'report.xml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /FAIL {4}rate-limit: .*\n\s+step 6 "request 6" \(hooks\/rate-limit\.js\):\n\s+statusCode\n\s+expected: 200\n\s+actual: {3}429\n\s+data\n\s+expected: \{ "requests": 6, "limit": 10 \}\n\s+actual: {3}null/,
    );
    expect(lastLine(stdout)).toMatch(/^\d+ passed, 1 failed$/);
    const junit = readFileSync(path.join(dir, 'report.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
    expect(junit).toContain('message="step 6 &quot;request 6&quot;: statusCode: expected 200, actual 429"');
  });

  it('malformed fixtures exit 2, naming file and field, while the others still run', async () => {
    const dir = project({
      'fixtures/requests/zz-bad-json.json': '{ "hook": "hooks/hello.js", ',
      'fixtures/requests/zz-unknown-hook.json': { hook: 'hooks/missing.js', expect: {} },
      'fixtures/requests/zz-no-expect.json': { hook: 'hooks/hello.js', steps: [{ request: {} }] },
      'fixtures/requests/zz-wrong-type.json': { hook: 'hooks/hello.js', expect: { logs: 'hello' } },
    });
    const { code, stdout } = await runCli(['replay'], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toMatch(/INVALID fixtures\/requests\/zz-bad-json\.json\n\s+invalid fixture: not valid JSON/);
    expect(stdout).toMatch(/INVALID fixtures\/requests\/zz-unknown-hook\.json\n\s+invalid fixture — field hook: hook file not found: hooks\/missing\.js/);
    expect(stdout).toMatch(/INVALID fixtures\/requests\/zz-no-expect\.json\n\s+invalid fixture — field expect in step 1: /);
    expect(stdout).toMatch(/INVALID fixtures\/requests\/zz-wrong-type\.json\n\s+invalid fixture — field expect\.logs: .*expected array/);
    const passed = stdout.split('\n').filter((l) => l.startsWith('PASS ')).length;
    expect(passed).toBeGreaterThanOrEqual(10);
    expect(stdout).toContain('4 invalid fixture files (exit code 2)');
    expect(lastLine(stdout)).toBe(`${passed} passed, 4 failed`);
  });

  it('--real passes against the machine Redis', async (t) => {
    const url = process.env.REDIS_TEST_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (!(await pingRedis(url))) {
      if (process.env.ENFYRA_REQUIRE_REDIS === '1') throw new Error(`no Redis at ${url}`);
      return t.skip();
    }
    const { code, stdout } = await runCli(['replay', '--real'], { cwd: project(), env: { REDIS_URL: url } });
    expect(code).toBe(0);
    expect(lastLine(stdout)).toMatch(/^\d+ passed, 0 failed$/);
  }, 120_000);
});
