/** --update: what it records and what it refuses to. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../runtime/cli/replay-command.ts';
import { formatFixture } from '../../runtime/replay/reporters/text.ts';
import { bareProject, replayIn } from './support.ts';

describe('replay --update', () => {
  it('never records a hook that does not compile: the fixture fails and its file is left as it was', async () => {
    const fixture = { hook: 'hooks/broken.js', steps: [{ expect: { statusCode: 200 } }, { expect: {} }] };
    const dir = bareProject({ 'hooks/broken.js': 'const a = 1;\nif (a {\n  return a;\n}', 'fixtures/requests/broken.json': fixture });
    const before = readFileSync(path.join(dir, 'fixtures/requests/broken.json'), 'utf8');
    const outcome = await replayIn(dir, { update: true });
    expect(outcome.results[0]).toMatchObject({ status: 'failed', updates: [] });
    expect(exitCode(outcome)).toBe(1);
    expect(formatFixture(outcome.results[0]!)).toMatch(/step 1 \(hooks\/broken\.js\):\n\s+error: SyntaxError: .*--update does not record a syntax error/);
    expect(readFileSync(path.join(dir, 'fixtures/requests/broken.json'), 'utf8')).toBe(before);
  });

  it('a step that cannot run leaves the whole file unchanged, the steps that ran included', async () => {
    const fixture = {
      hook: 'hooks/ok.js',
      steps: [{ expect: { statusCode: 201 } }, { hook: 'hooks/ok.js', table: 'products', expect: {} }, { state: { tables: { products: [{ id: 999, name: 'no slug' }] } } }],
    };
    const dir = bareProject({ 'hooks/ok.js': 'return 1;', 'fixtures/requests/ok.json': fixture });
    const before = readFileSync(path.join(dir, 'fixtures/requests/ok.json'), 'utf8');
    const outcome = await replayIn(dir, { update: true });
    expect(outcome.results[0]).toMatchObject({ status: 'failed', updates: [] });
    expect(outcome.results[0]!.steps[2]).toMatchObject({ status: 'failed', error: expect.stringMatching(/state\.tables\.products\[0\]/) });
    expect(readFileSync(path.join(dir, 'fixtures/requests/ok.json'), 'utf8')).toBe(before);
  });

  it('a SyntaxError a hook throws on purpose, already in the fixture, passes and is kept', async () => {
    const dir = bareProject({
      'hooks/parse.js': "return JSON.parse('{oops');",
      'fixtures/requests/parse.json': { hook: 'hooks/parse.js', expect: { statusCode: 400, error: { name: 'SyntaxError', code: 'HTTP_ERROR' } } },
    });
    expect((await replayIn(dir)).results[0]?.status).toBe('passed');
    expect((await replayIn(dir, { update: true })).results[0]).toMatchObject({ status: 'passed', updates: [] });
  });

  it('numbers steps from 1 in update reports, as failure reports do', async () => {
    const dir = bareProject({
      'hooks/ok.js': 'return $ctx.$params.n ?? null;',
      'fixtures/requests/steps.json': {
        hook: 'hooks/ok.js',
        steps: [{ expect: { statusCode: 200 } }, { advance: '1s' }, { expect: { statusCode: 200 } }, { request: { params: { n: '4' } }, expect: { data: 'x' } }],
      },
    });
    const failed = await replayIn(dir);
    const report = formatFixture(failed.results[0]!);
    expect(report).toMatch(/step 4 \(hooks\/ok\.js\):\n\s+data\n\s+expected: "x"\n\s+actual: {3}"4"/);
    const updated = await replayIn(dir, { update: true });
    expect(updated.results[0]!.updates!.map((u) => u.field)).toEqual(['expect.data in step 4']);
    expect(formatFixture(updated.results[0]!)).toContain('updated expect.data in step 4: "x" → "4"');
  });
});
