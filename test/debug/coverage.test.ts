/**
 * `--coverage`: which lines of each hook ran, from V8's block coverage, as lcov and a summary; mapped to
 * the source as written (TypeScript, template syntax) and merged across replay's worker processes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config/load.ts';
import { CoverageCollector, mergeCoverage, type CoverageData } from '../../runtime/debug/coverage.ts';
import { formatLcov } from '../../runtime/debug/coverage-report.ts';
import type { FixtureResult } from '../../runtime/replay/result.ts';
import { selectFiles } from '../../runtime/replay/runner.ts';
import { OrderedQueue } from '../../runtime/replay/work-queue.ts';
import { runWorker } from '../../runtime/replay/workers.ts';
import { Runtime } from '../../runtime/runtime.ts';
import { installIsolateInspector } from '../../runtime/sandbox/inspector-hook.ts';
import { runCli } from '../support/cli.ts';
import { bareProject, replayIn } from '../replay/support.ts';

const DISCOUNT = [
  '// Orders of 10 or more get 10% off.',
  'const { qty, price } = $ctx.$body;',
  'let total = qty * price;',
  'if (qty >= 10) {',
  '  total = total * 0.9;', // line 5: no fixture orders 10
  '}',
  'return { total };',
].join('\n');

const FIXTURE = {
  name: 'discount: a small order pays full price',
  hook: 'hooks/discount.js',
  steps: [{ request: { method: 'POST', body: { qty: 2, price: 5 } }, expect: { statusCode: 200, data: { total: 10 } } }],
};

/** DA lines of one file in an lcov text: line → count. */
function lcovLines(lcov: string, file: string): Record<number, number> {
  const record = lcov.split('end_of_record').find((r) => r.includes(`SF:${file}\n`));
  if (!record) throw new Error(`no record for ${file} in:\n${lcov}`);
  return Object.fromEntries([...record.matchAll(/^DA:(\d+),(\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
}

describe('enfyra-run replay --coverage', () => {
  it('writes lcov marking the lines the fixtures ran as hit and the untaken branch as 0, and a summary', async () => {
    const dir = bareProject({ 'hooks/discount.js': DISCOUNT, 'fixtures/requests/discount.json': FIXTURE });
    const r = await runCli(['replay', '--coverage'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = lcovLines(readFileSync(path.join(dir, 'coverage/lcov.info'), 'utf8'), path.join(dir, 'hooks/discount.js'));
    // The comment and the closing brace hold no code: no line entry.
    expect(lines).toEqual({ 2: 1, 3: 1, 4: 1, 5: 0, 7: 1 });
    expect(r.stdout).toContain(
      '1 passed, 0 failed\n' +
        'coverage (lines of each hook that ran):\n' +
        '  hooks/discount.js      4/5 lines  80%  not run: 5\n' +
        '  all hooks              4/5 lines  80%\n' +
        'coverage report: coverage/lcov.info\n',
    );
  });

  it('with a json report on stdout, the coverage summary goes to stderr', async () => {
    const dir = bareProject({ 'hooks/discount.js': DISCOUNT, 'fixtures/requests/discount.json': FIXTURE });
    const r = await runCli(['replay', '--reporter', 'json', '--coverage=cov'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { passed: 1 } });
    expect(r.stderr).toContain('  hooks/discount.js      4/5 lines  80%  not run: 5\n');
    expect(r.stderr).toContain('coverage report: cov/lcov.info\n');
  });

  it('a coverage folder that cannot be written is a usage error (exit 2) before any fixture runs', async () => {
    const dir = bareProject({ 'hooks/discount.js': DISCOUNT, 'fixtures/requests/discount.json': FIXTURE, 'blocker': 'a file, not a folder' });
    const r = await runCli(['replay', '--coverage', 'blocker/cov'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^enfyra-run: --coverage blocker\/cov: cannot create the folder \(ENOTDIR\)\n$/);
    expect(r.stdout).toBe('');
    const onFile = await runCli(['run', 'hooks/discount.js', '--coverage=blocker'], { cwd: dir });
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toBe('enfyra-run: --coverage blocker: is a file; give a folder (the report is <folder>/lcov.info)\n');
    expect(onFile.stdout).toBe('');
  });

  it('run --coverage reports the one hook it ran', async () => {
    const dir = bareProject({ 'hooks/discount.js': DISCOUNT });
    const r = await runCli(['run', 'hooks/discount.js', '--body', '{"qty":20,"price":1}', '--coverage=out'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('coverage (lines of each hook that ran):\n  hooks/discount.js      5/5 lines 100%\n  all hooks              5/5 lines 100%\ncoverage report: out/lcov.info\n');
    expect(lcovLines(readFileSync(path.join(dir, 'out/lcov.info'), 'utf8'), path.join(dir, 'hooks/discount.js'))[5]).toBe(1);
  });
});

describe('coverage in terms of the source as written', () => {
  it('maps TypeScript and template syntax back to the lines of the file (type-only lines have no entry)', async () => {
    const source = [
      'interface Order {',
      '  qty: number;',
      '}',
      '',
      'const order = @BODY as Order;',
      'if (order.qty > 100) {',
      "  @THROW400('too many');",
      '}',
      'const label: string = `x${order.qty}`;',
      'return { label };',
    ].join('\n');
    const dir = bareProject({ 'hooks/order.ts': source });
    const data = await collect(dir, async (runtime) => {
      const envelope = await runtime.run('hooks/order.ts', { body: { qty: 3 } });
      expect(envelope.data).toEqual({ label: 'x3' });
    });
    expect(data[path.join(dir, 'hooks/order.ts')]).toEqual({ 5: 1, 6: 1, 7: 0, 9: 1, 10: 1 });
  });

  it('reads lines the way the hook file breaks them (CRLF)', async () => {
    const dir = bareProject({ 'hooks/discount.js': DISCOUNT.replaceAll('\n', '\r\n') });
    const data = await collect(dir, async (runtime) => {
      await runtime.run('hooks/discount.js', { body: { qty: 1, price: 1 } });
    });
    expect(data[path.join(dir, 'hooks/discount.js')]).toEqual({ 2: 1, 3: 1, 4: 1, 5: 0, 7: 1 });
  });

  it('counts every run of a hook, across isolates', async () => {
    const dir = bareProject({ 'hooks/discount.js': DISCOUNT });
    const data = await collect(dir, async (runtime) => {
      await Promise.all([1, 2, 3].map((qty) => runtime.run('hooks/discount.js', { body: { qty, price: 1 } })));
    });
    expect(data[path.join(dir, 'hooks/discount.js')]).toEqual({ 2: 3, 3: 3, 4: 3, 5: 0, 7: 3 });
  });
});

describe('coverage from replay worker processes', () => {
  it('a worker sends the coverage of the files it replayed; merged, it equals the same replay in this process', async () => {
    const dir = bareProject({
      'hooks/discount.js': DISCOUNT,
      'fixtures/requests/a.json': FIXTURE,
      'fixtures/requests/b.json': { ...FIXTURE, name: 'discount: a big order', steps: [{ request: { body: { qty: 10, price: 1 } }, expect: { data: { total: 9 } } }] },
    });
    const config = loadConfig({ cwd: dir, env: {} });
    const files = selectFiles({ config, cwd: dir });
    const crashed = (file: string, error: string): FixtureResult => ({ file, displayPath: file, name: file, status: 'failed', durationMs: 0, steps: [], error });
    const sent: CoverageData[] = [];
    const queue = new OrderedQueue<string, FixtureResult>(files);
    const init = { config, cwd: dir, real: false, update: false, strict: false, runId: 'cov001', coverage: true };
    await runWorker({ init, queue, concurrency: 2, crashed, onCoverage: (data) => sent.push(data) }).done;
    expect(queue.finish((file) => crashed(file, 'not replayed')).map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(sent).toHaveLength(1);

    const here = await collect(dir, async () => {
      await replayIn(dir);
    });
    expect(sent[0]).toEqual(here);
    expect(here[path.join(dir, 'hooks/discount.js')]).toEqual({ 2: 2, 3: 2, 4: 2, 5: 1, 7: 2 });
    const merged = mergeCoverage(mergeCoverage({}, here), sent[0]!);
    expect(formatLcov(merged)).toContain('DA:5,2\nDA:7,4\n');
  });
});

/** Coverage of what `body` runs in this process (a Runtime on `dir` is handed to it). */
async function collect(dir: string, body: (runtime: Runtime) => Promise<void>): Promise<CoverageData> {
  const collector = new CoverageCollector(dir);
  installIsolateInspector(collector);
  try {
    const runtime = await Runtime.create({ cwd: dir, env: {} });
    try {
      await body(runtime);
    } finally {
      await runtime.close();
    }
    return await collector.finish();
  } finally {
    installIsolateInspector(null);
  }
}
