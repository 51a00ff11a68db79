/** Warnings in replay: shown per fixture by every reporter; under --strict / compat.strict they fail the fixture. */
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../runtime/cli/replay-command.ts';
import { loadConfig } from '../../runtime/config/load.ts';
import { formatJsonReport } from '../../runtime/replay/reporters/json.ts';
import { formatJunitReport } from '../../runtime/replay/reporters/junit.ts';
import { formatFixture } from '../../runtime/replay/reporters/text.ts';
import { runCli } from '../support/cli.ts';
import { bareProject, replayIn } from './support.ts';

const LEAK = "await $ctx.$cache.acquire('job', 1, 60000);\nreturn 'ok';";
const files = {
  'hooks/leak.js': LEAK,
  'fixtures/requests/leak.json': { hook: 'hooks/leak.js', steps: [{ expect: { statusCode: 200 } }, { expect: { data: 'ok' } }] },
};

describe('warnings in replay', () => {
  it('without --strict: the fixture passes; text, JSON and JUnit reports show the warning, naming step and hook file', async () => {
    const dir = bareProject(files);
    const outcome = await replayIn(dir);
    const [result] = outcome.results;
    expect(result!.status).toBe('passed');
    expect(exitCode(outcome)).toBe(0);
    expect(formatFixture(result!)).toMatch(/^PASS .*\n[\s\S]*warning \(step 1\): hooks\/leak\.js(:\d+)*: \$cache: the hook ended while still holding lock "job".*\[cache\.lock-leaked\]/);
    const json = JSON.parse(formatJsonReport(outcome.results, outcome.summary));
    expect(json.fixtures[0].steps[0].warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'cache.lock-leaked', file: 'hooks/leak.js' })]));
    expect(formatJunitReport(outcome.results, outcome.summary)).toMatch(/<testcase [^>]*>\s*<system-out>warning \(step 1\): hooks\/leak\.js[\s\S]*\[cache\.lock-leaked\]/);
  });

  it('--strict: the step that warned fails the fixture (exit 1), the warning named in the report', async () => {
    const dir = bareProject(files);
    const outcome = await replayIn(dir, { strict: true });
    const [result] = outcome.results;
    expect(result!.status).toBe('failed');
    expect(exitCode(outcome)).toBe(1);
    expect(formatFixture(result!)).toMatch(/step 1 \(hooks\/leak\.js\):\n\s+error: --strict: \d+ warnings fail the step[\s\S]*warning \(step 1\): hooks\/leak\.js/);
    expect(formatJunitReport(outcome.results, outcome.summary)).toMatch(/<failure message="step 1: --strict: \d+ warnings fail the step"/);
  });

  it('compat.strict in the config and `replay --strict` on the command line do the same', async () => {
    const dir = bareProject({ ...files, 'strict.json': { compat: { strict: true } } });
    const outcome = await replayIn(dir, { config: loadConfig({ configPath: 'strict.json', cwd: dir, env: {} }) });
    expect(outcome.results[0]!.status).toBe('failed');
    for (const args of [['--strict'], ['--config', 'strict.json']]) {
      const r = await runCli(['replay', ...args], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/--strict: \d+ warnings fail the step/);
    }
  });
});
