/** The JUnit XML reporter: one testcase per fixture file; invalid files are errors, failed ones failures. */
import type { FixtureResult, Summary } from '../result.ts';
import { describeResult, headline, warningLines } from './failure-text.ts';

export function formatJunitReport(results: readonly FixtureResult[], summary: Summary): string {
  const failures = results.filter((r) => r.status === 'failed').length;
  const errors = summary.invalid;
  const attrs = `name="enfyra-run replay" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(summary.durationMs)}"`;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites ${attrs}>`, `  <testsuite ${attrs} skipped="0">`];
  for (const result of results) lines.push(...testcase(result));
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}

function testcase(result: FixtureResult): string[] {
  const open = `    <testcase classname="${xml(result.displayPath)}" name="${xml(result.name)}" time="${seconds(result.durationMs)}"`;
  if (result.status === 'passed' || result.status === 'updated') {
    const warnings = warningLines(result);
    return warnings.length === 0 ? [`${open}/>`] : [`${open}>`, `      <system-out>${xml(warnings.join('\n'))}</system-out>`, '    </testcase>'];
  }
  const tag = result.status === 'invalid' ? 'error' : 'failure';
  const body = xml(describeResult(result).join('\n'));
  return [`${open}>`, `      <${tag} message="${xml(headline(result))}" type="${result.status}">${body}</${tag}>`, '    </testcase>'];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function xml(text: string): string {
  return text
    // Characters XML 1.0 cannot hold at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
