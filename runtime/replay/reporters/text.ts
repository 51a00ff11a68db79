/** The text reporter: a line per fixture, failure details under it, the closing `N passed, N failed`. */
import type { Colors } from '../../shared/colors.ts';
import type { FixtureResult, Summary } from '../result.ts';
import { describeResult, PLAIN } from './failure-text.ts';

type Paint = typeof PLAIN;

const LABEL = { passed: 'PASS', failed: 'FAIL', invalid: 'INVALID', updated: 'UPDATED' } as const;
const INDENT = '        ';

export function formatFixture(result: FixtureResult, c: Paint & Pick<Colors, 'green' | 'red' | 'yellow'> = PLAIN): string {
  const paint = result.status === 'passed' ? c.green : result.status === 'updated' ? c.yellow : c.red;
  const label = paint(LABEL[result.status].padEnd(7));
  const where = result.name === result.displayPath ? '' : ` ${c.dim(result.displayPath)}`;
  const timing = result.status === 'invalid' ? '' : c.dim(` (${formatMs(result.durationMs)})`);
  const lines = [`${label} ${c.bold(result.name)}${where}${timing}`];
  for (const line of describeResult(result, c)) lines.push(INDENT + line);
  return lines.join('\n') + '\n';
}

export function formatSummary(summary: Summary, total: number): string {
  const lines = [''];
  if (summary.invalid > 0) lines.push(`${summary.invalid} invalid fixture file${summary.invalid === 1 ? '' : 's'} (exit code 2)`);
  if (summary.updated > 0) lines.push(`${summary.updated} fixture file${summary.updated === 1 ? '' : 's'} updated`);
  lines.push(`${total} fixture file${total === 1 ? '' : 's'} in ${formatMs(summary.durationMs)}`);
  lines.push(`${summary.passed} passed, ${summary.failed} failed`);
  return lines.join('\n') + '\n';
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
