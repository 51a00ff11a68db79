import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../runtime/cli/replay-command.ts';
import { formatFixture, formatSummary } from '../../runtime/replay/reporters/text.ts';
import { formatJunitReport } from '../../runtime/replay/reporters/junit.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { bareProject, project, replayIn, timeless, writeFiles } from './support.ts';

const text = (outcome: Awaited<ReturnType<typeof replayIn>>) =>
  outcome.results.map((r) => formatFixture(r)).join('') + formatSummary(outcome.summary, outcome.results.length);

describe('replaying the repository fixtures', () => {
  it('every fixture passes, every hook has one, and a second run gives the same results', async () => {
    const first = await replayIn(PROJECT_ROOT);
    expect(first.results.filter((r) => r.status !== 'passed').map((r) => text({ ...first, results: [r] }))).toEqual([]);
    expect(first.summary).toMatchObject({ failed: 0, invalid: 0 });
    expect(exitCode(first)).toBe(0);
    expect(text(first).trimEnd().split('\n').at(-1)).toBe(`${first.results.length} passed, 0 failed`);

    const fixtureText = first.results.map((r) => readFileSync(r.file, 'utf8')).join('\n');
    for (const hook of readdirSync(path.join(PROJECT_ROOT, 'hooks')).filter((f) => /\.(js|ts)$/.test(f))) {
      expect(fixtureText, `a fixture for hooks/${hook}`).toContain(`hooks/${hook}`);
    }

    const second = await replayIn(PROJECT_ROOT, { jobs: 1 });
    expect(timeless(second.results)).toEqual(timeless(first.results));
  });

  it('a changed hook fails with a diff naming the request and the field', async () => {
    const dir = project();
    const hook = path.join(dir, 'hooks/rate-limit.js');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace('currentCount >= 10', 'currentCount >= 5').replace('limit: 10', 'limit: 5'));
    const outcome = await replayIn(dir, { filter: 'requests/rate-limit.json' });
    expect(exitCode(outcome)).toBe(1);
    const [result] = outcome.results;
    expect(result?.status).toBe('failed');
    const failed = result!.steps.find((s) => s.status === 'failed')!;
    expect(failed.label).toBe('step 1 "request 1"');
    expect(failed.mismatches.map((m) => m.path.join('.'))).toEqual(['data.limit']);

    // With the limit text unchanged, the first difference is the status of the 6th request.
    writeFileSync(hook, readFileSync(hook, 'utf8').replace('limit: 5', 'limit: 10'));
    const again = await replayIn(dir, { filter: 'requests/rate-limit.json' });
    const report = text(again);
    expect(report).toContain('step 6 "request 6" (hooks/rate-limit.js):');
    expect(report).toMatch(/statusCode\n\s+expected: 200\n\s+actual: {3}429/);
    expect(report).toMatch(/steps 7–14 not run/);
    expect(report.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('an invalid fixture is reported with its file and field; the others still run; exit code 2', async () => {
    const dir = project({
      'fixtures/requests/broken.json': { hook: 'hooks/hello.js', steps: [{ expect: { statusCode: 'ok' } }] },
      'fixtures/requests/not-json.json': '{ nope',
    });
    const outcome = await replayIn(dir);
    expect(exitCode(outcome)).toBe(2);
    const broken = outcome.results.find((r) => r.displayPath.endsWith('broken.json'))!;
    expect(broken).toMatchObject({ status: 'invalid', field: 'expect.statusCode in step 1' });
    expect(formatFixture(broken)).toMatch(/^INVALID fixtures\/requests\/broken\.json\n.*field expect\.statusCode in step 1: .*expected number/);
    expect(outcome.results.find((r) => r.displayPath.endsWith('not-json.json'))).toMatchObject({ status: 'invalid', field: null });
    expect(outcome.summary).toMatchObject({ passed: outcome.results.length - 2, failed: 2, invalid: 2 });
    expect(formatJunitReport(outcome.results, outcome.summary)).toMatch(/<testcase classname="fixtures\/requests\/broken.json"[^>]*>\s*<error message="invalid fixture \(expect\.statusCode in step 1\)/);
  });

  it('--update rewrites what differs, keeps matchers that still match, and the next run passes', async () => {
    const file = 'fixtures/requests/hello.json';
    const dir = bareProject({
      'hooks/hello.js': readFileSync(path.join(PROJECT_ROOT, 'hooks/hello.js'), 'utf8'),
      [file]: {
        hook: 'hooks/hello.js',
        steps: [
          { request: { params: { id: '1' } }, expect: { statusCode: 201, data: { message: { $type: 'string' }, id: 'x' } } },
          { request: { user: null }, expect: {} },
        ],
      },
    });
    const updated = await replayIn(dir, { update: true });
    expect(updated.results[0]).toMatchObject({ status: 'updated' });
    expect(updated.results[0]!.updates!.map((u) => u.field)).toEqual(['expect.statusCode in step 1', 'expect.data in step 1', 'expect.statusCode in step 2', 'expect.data in step 2']);
    expect(JSON.parse(readFileSync(path.join(dir, file), 'utf8')).steps).toEqual([
      { request: { params: { id: '1' } }, expect: { statusCode: 200, data: { message: { $type: 'string' }, id: '1' } } },
      { request: { user: null }, expect: { statusCode: 200, data: { message: 'Hello, anonymous!', id: null } } },
    ]);
    const again = await replayIn(dir);
    expect(again.results[0]?.status).toBe('passed');
    expect((await replayIn(dir, { update: true })).results[0]).toMatchObject({ status: 'passed', updates: [] });
  });

  it('chains run pre-hooks, handler and post-hooks in order, sharing $share; a pre-hook answer skips the rest; state steps and table expectations', async () => {
    const dir = bareProject({
      'hooks/pre.js': "$ctx.$share.seen = ['pre']; if ($ctx.$query.stop) return { stopped: true };",
      'hooks/handler.js': "$ctx.$share.seen.push('handler'); const r = await $ctx.$repos.main.find({ where: { id: { _eq: $ctx.$params.id } } }); return r.data[0] ?? null;",
      'hooks/post.js': "$ctx.$share.seen.push('post'); return { row: $ctx.$data, seen: $ctx.$share.seen, env: $ctx.$env };",
      'fixtures/requests/chain.json': {
        chain: { pre: ['hooks/pre.js'], handler: 'hooks/handler.js', post: ['hooks/post.js'] },
        table: 'products',
        env: { STAGE: 'replay' },
        request: { params: { id: '1' } },
        steps: [
          { expect: { dataMatch: { row: { name: 'Wireless Mouse' }, seen: ['pre', 'handler', 'post'], env: { STAGE: 'replay' } } } },
          { request: { query: { stop: '1' } }, expect: { data: { stopped: true } } },
          { state: { tables: { products: [{ id: 1, name: 'Renamed' }, { id: 99, name: 'New', slug: 'new', price: 1 }] } } },
          {
            expect: {
              dataMatch: { row: { name: 'Renamed' } },
              tables: { products: { '1': { name: 'Renamed', price: 24.99 }, '99': { slug: 'new' }, '100': { $absent: true } } },
            },
          },
        ],
      },
    });
    const outcome = await replayIn(dir);
    expect(outcome.results.map((r) => text({ ...outcome, results: [r] }))).toEqual([expect.stringMatching(/^PASS/)]);
  });

  it('the examples in docs/replay.md (A complete example) replay and pass', async () => {
    const markdown = readFileSync(path.join(PROJECT_ROOT, 'docs/replay.md'), 'utf8');
    const examples = markdown.slice(markdown.indexOf('## A complete example')).match(/```json[^\n]*\n([\s\S]*?)```/g)!.slice(0, 2);
    const dir = project();
    writeFiles(dir, Object.fromEntries(examples.map((block, i) => [`examples/${i}.json`, block.replace(/```(json[^\n]*)?/g, '')])));
    const outcome = await replayIn(dir, { paths: ['examples'] });
    expect(outcome.results.map((r) => r.status)).toEqual(['passed', 'passed']);
  });

  it('results come in file order whatever the concurrency; --filter matches path or name', async () => {
    const all = await replayIn(PROJECT_ROOT, { jobs: 8 });
    const paths = all.results.map((r) => r.displayPath);
    expect(paths).toEqual([...paths].sort());
    const seen: string[] = [];
    await replayIn(PROJECT_ROOT, { jobs: 3, onResult: (r) => seen.push(r.displayPath) });
    expect(seen).toEqual(paths);
    expect((await replayIn(PROJECT_ROOT, { filter: 'session-create' })).results.map((r) => r.displayPath)).toEqual(['fixtures/requests/session.json']);
  });
});
