/**
 * The JSON reporter: `{ summary, fixtures: [...] }`. Paths are as shown in
 * the text report; a mismatch's `actual` (or `expected`) is left out when the
 * value is absent.
 */
import { formatPath } from '../../shared/field-path.ts';
import type { FixtureResult, Summary } from '../result.ts';

export function formatJsonReport(results: readonly FixtureResult[], summary: Summary): string {
  return JSON.stringify({ summary, fixtures: results.map(toJson) }, null, 2) + '\n';
}

function toJson(result: FixtureResult): unknown {
  return {
    file: result.displayPath,
    name: result.name,
    status: result.status,
    durationMs: result.durationMs,
    error: result.error,
    field: result.field,
    updates: result.updates,
    steps: result.steps.map((step) => ({
      index: step.index,
      label: step.label,
      kind: step.kind,
      hook: step.hook,
      status: step.status,
      durationMs: step.durationMs,
      error: step.error,
      warnings: step.warnings,
      mismatches: step.mismatches.map((m) => ({ field: formatPath(m.path), expected: m.expected, actual: m.actual, note: m.note })),
      actual: step.status === 'failed' ? step.actual?.envelope : undefined,
    })),
  };
}
