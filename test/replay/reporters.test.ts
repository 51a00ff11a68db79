import { describe, expect, it } from 'vitest';
import { formatJsonReport } from '../../runtime/replay/reporters/json.ts';
import { formatJunitReport } from '../../runtime/replay/reporters/junit.ts';
import { Progress } from '../../runtime/replay/reporters/progress.ts';
import { formatFixture, formatSummary } from '../../runtime/replay/reporters/text.ts';
import { summarize, type FixtureResult } from '../../runtime/replay/result.ts';

const failed: FixtureResult = {
  file: '/p/fixtures/requests/a.json',
  displayPath: 'fixtures/requests/a.json',
  name: 'a <&> "b"',
  status: 'failed',
  durationMs: 12.3,
  steps: [
    {
      index: 1,
      label: 'step 1 "first"',
      kind: 'request',
      hook: 'hooks/a.js',
      status: 'failed',
      durationMs: 5,
      mismatches: [
        { path: ['data', 'items', 0, 'price'], expected: 12.5, actual: 15 },
        { path: ['cache', 'user:1'], expected: { id: 1 }, actual: undefined },
        { path: ['data', 'extra'], expected: undefined, actual: true },
      ],
      actual: { envelope: { statusCode: 200, data: {}, error: null, logs: [], warnings: [], effects: [], durationMs: 1 }, cache: {}, tables: {} },
    },
    { index: 2, label: 'step 2', kind: 'advance', status: 'skipped', durationMs: 0, mismatches: [] },
    { index: 3, label: 'step 3', kind: 'request', status: 'skipped', durationMs: 0, mismatches: [] },
  ],
};
const passed: FixtureResult = { file: '/p/b.json', displayPath: 'b.json', name: 'b', status: 'passed', durationMs: 3, steps: [] };
const invalid: FixtureResult = { ...passed, displayPath: 'c.json', name: 'c.json', status: 'invalid', error: 'unknown field', field: 'expect.x' };

describe('reporters', () => {
  it('text: a line per fixture, the failing step, each field with expected and actual, the closing line', () => {
    expect(formatFixture(failed)).toBe(
      [
        'FAIL    a <&> "b" fixtures/requests/a.json (12 ms)',
        '        step 1 "first" (hooks/a.js):',
        '          data.items[0].price',
        '            expected: 12.5',
        '            actual:   15',
        '          cache["user:1"]',
        '            expected: { "id": 1 }',
        '            actual:   (absent)',
        '          data.extra',
        '            unexpected field: true',
        '        steps 2–3 not run (the sequence stopped at the first failure)',
        '',
      ].join('\n'),
    );
    expect(formatFixture(invalid)).toBe('INVALID c.json\n        invalid fixture — field expect.x: unknown field\n');
    const summary = summarize([failed, passed, invalid], 1234);
    expect(summary).toEqual({ passed: 1, failed: 2, invalid: 1, updated: 0, durationMs: 1234 });
    expect(formatSummary(summary, 3).trimEnd().split('\n').slice(-2)).toEqual(['3 fixture files in 1.23 s', '1 passed, 2 failed']);
  });

  it('json: summary and fixtures with field paths', () => {
    const report = JSON.parse(formatJsonReport([failed, passed], summarize([failed, passed], 20)));
    expect(report.summary).toMatchObject({ passed: 1, failed: 1 });
    expect(report.fixtures[0]).toMatchObject({ file: 'fixtures/requests/a.json', status: 'failed' });
    expect(report.fixtures[0].steps[0].mismatches).toEqual([
      { field: 'data.items[0].price', expected: 12.5, actual: 15 },
      { field: 'cache["user:1"]', expected: { id: 1 } },
      { field: 'data.extra', actual: true },
    ]);
    expect(report.fixtures[0].steps[0].actual).toMatchObject({ statusCode: 200 });
  });

  it('junit: escaped, failures and errors counted', () => {
    const xml = formatJunitReport([failed, passed, invalid], summarize([failed, passed, invalid], 20));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="enfyra-run replay" tests="3" failures="1" errors="1"/);
    expect(xml).toContain('<testcase classname="fixtures/requests/a.json" name="a &lt;&amp;&gt; &quot;b&quot;" time="0.012">');
    expect(xml).toContain('<failure message="step 1 &quot;first&quot;: data.items[0].price: expected 12.5, actual 15" type="failed">');
    expect(xml).toContain('<testcase classname="b.json" name="b" time="0.003"/>');
    expect(xml).toContain('<error message="invalid fixture (expect.x): unknown field" type="invalid">');
  });

  it('progress is drawn only on a terminal and only for many fixtures, and cleared at the end', () => {
    const draw = (isTTY: boolean, total: number) => {
      let out = '';
      const progress = new Progress({ isTTY, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream);
      progress.start(total);
      for (let i = 0; i < total; i++) progress.tick();
      progress.clear();
      return out;
    };
    expect(draw(false, 50)).toBe('');
    expect(draw(true, 3)).toBe('');
    const shown = draw(true, 12);
    expect(shown).toContain('replaying 0/12 fixture files…');
    expect(shown).toContain('replaying 11/12 fixture files…');
    expect(shown.endsWith('\r\x1b[2K')).toBe(true);
  });
});
