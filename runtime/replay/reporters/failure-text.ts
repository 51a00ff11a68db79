/**
 * The readable account of a failed, invalid or updated fixture: which step,
 * which field, expected vs actual. Shared by the text and JUnit reporters.
 */
import type { Colors } from '../../shared/colors.ts';
import { formatPath } from '../../shared/field-path.ts';
import type { StepMismatch } from '../check.ts';
import type { FixtureResult, StepResult } from '../result.ts';
import { formatValue } from './format-value.ts';
import { formatWarning } from '../../shared/diagnostics.ts';

export const PLAIN: Pick<Colors, 'red' | 'green' | 'dim' | 'bold' | 'yellow'> = {
  red: String,
  green: String,
  dim: String,
  bold: String,
  yellow: String,
};

type Paint = typeof PLAIN;

/** Lines (unindented) explaining the result: failures, updates, warnings; empty for a plain pass. */
export function describeResult(result: FixtureResult, c: Paint = PLAIN): string[] {
  if (result.status === 'invalid') {
    return [`${c.red('invalid fixture')}${result.field ? ` — field ${c.bold(result.field)}` : ''}: ${result.error}`];
  }
  const lines: string[] = [];
  if (result.error) lines.push(`${c.red('error')}: ${result.error}`);
  // An updated fixture's mismatches are what the update fixed: its changes tell the story.
  const steps = result.status === 'updated' ? result.steps.filter((s) => s.error !== undefined) : result.steps;
  for (const step of steps) if (step.status === 'failed') lines.push(...describeStep(step, c));
  const skipped = result.steps.filter((s) => s.status === 'skipped');
  if (skipped.length > 0) lines.push(c.dim(`${skippedRange(skipped)} not run (the sequence stopped at the first failure)`));
  for (const u of result.updates ?? []) lines.push(`${c.yellow('updated')} ${u.field}: ${formatValue(u.before)} → ${formatValue(u.after)}`);
  lines.push(...warningLines(result, c));
  return lines;
}

/** A line per warning of each step, `warning (step 2): hooks/x.js:3:5: message [code]`. */
export function warningLines(result: FixtureResult, c: Paint = PLAIN): string[] {
  return result.steps.flatMap((step) =>
    (step.warnings ?? []).map((w) => c.yellow(`warning${step.label === 'request' ? '' : ` (step ${step.index})`}: ${formatWarning(w)}`)),
  );
}

function describeStep(step: StepResult, c: Paint): string[] {
  const lines = [`${c.bold(step.label)}${step.hook ? c.dim(` (${step.hook})`) : ''}:`];
  if (step.error) lines.push(`  ${c.red('error')}: ${step.error}`);
  for (const m of step.mismatches) lines.push(...describeMismatch(m, c));
  if (step.actual?.envelope.error && !step.mismatches.some((m) => m.path[0] === 'error')) {
    const e = step.actual.envelope.error;
    lines.push(c.dim(`  (the hook ended with ${e.statusCode} ${e.name}: ${e.message})`));
  }
  return lines;
}

function describeMismatch(m: StepMismatch, c: Paint): string[] {
  const field = `  ${c.bold(formatPath(m.path))}`;
  if (m.expected === undefined) return [field, `    ${c.red('unexpected field')}: ${formatValue(m.actual)}`];
  return [
    field,
    ...(m.note ? [`    ${c.dim(m.note)}`] : []),
    `    ${c.green('expected')}: ${formatValue(m.expected)}`,
    `    ${c.red('actual')}:   ${formatValue(m.actual)}`,
  ];
}

function skippedRange(steps: readonly StepResult[]): string {
  const first = steps[0]!.index;
  const last = steps[steps.length - 1]!.index;
  return first === last ? `step ${first}` : `steps ${first}–${last}`;
}

/** One line: the first problem, for JUnit's message attribute and similar. */
export function headline(result: FixtureResult): string {
  if (result.status === 'invalid') return `invalid fixture${result.field ? ` (${result.field})` : ''}: ${result.error}`;
  if (result.error) return result.error;
  const step = result.steps.find((s) => s.status === 'failed');
  if (!step) return '';
  if (step.error) return `${step.label}: ${step.error}`;
  const m = step.mismatches[0]!;
  return `${step.label}: ${formatPath(m.path)}: expected ${formatValue(m.expected)}, actual ${formatValue(m.actual)}`;
}
