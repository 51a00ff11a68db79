/**
 * --update: rewrites the expectations of a fixture file from what its steps
 * actually produced, and lists what changed. Only fields the expectation
 * already has are rewritten; an empty `expect: {}` gets statusCode and data
 * (or error) filled in.
 */
import { writeFileSync } from 'node:fs';
import { someLogContains } from '../shared/log-entry.ts';
import type { Envelope } from '../context/envelope.ts';
import type { StepActual } from './check.ts';
import { formatFixtureField, type PathSegment } from '../shared/field-path.ts';
import { formatJson } from './json-format.ts';
import { isPlainObject, ownValue } from '../shared/json-value.ts';
import type { Fixture } from './model.ts';
import { refresh } from './refresh.ts';
import type { FixtureResult, UpdateChange } from './result.ts';

/** Applies the actual results to `fixture.raw`, writes the file when something changed, returns the changes. */
export function updateFixture(fixture: Fixture, result: FixtureResult): UpdateChange[] {
  const changes: UpdateChange[] = [];
  for (const step of fixture.steps) {
    if (step.kind !== 'request') continue;
    const actual = result.steps.find((s) => s.index === step.index)?.actual;
    const expect = locate(fixture.raw, step.expectPath);
    if (!actual || !isPlainObject(expect)) continue;
    for (const [field, after] of Object.entries(refreshedFields(expect, actual))) {
      if (JSON.stringify(after) === JSON.stringify(expect[field])) continue;
      changes.push({ field: formatFixtureField([...step.expectPath, field]), before: expect[field], after });
      expect[field] = after;
    }
  }
  if (changes.length > 0) writeFileSync(fixture.file, formatJson(fixture.raw) + '\n');
  return changes;
}

/** The new value of each expectation field. */
function refreshedFields(expect: Record<string, unknown>, actual: StepActual): Record<string, unknown> {
  const { envelope } = actual;
  if (Object.keys(expect).length === 0) return snapshot(envelope);
  const out: Record<string, unknown> = {};
  if ('statusCode' in expect) out.statusCode = envelope.statusCode;
  if ('error' in expect) {
    out.error = expect.error === null || envelope.error === null ? errorSnapshot(envelope) : refresh(expect.error, envelope.error, 'subset');
  }
  if ('data' in expect) out.data = refresh(expect.data, envelope.data, 'exact');
  if ('dataMatch' in expect) out.dataMatch = refresh(expect.dataMatch, envelope.data, 'subset');
  if ('logs' in expect) out.logs = refresh(expect.logs, envelope.logs, 'exact');
  if (Array.isArray(expect.logsContain)) {
    out.logsContain = expect.logsContain.filter((text) => someLogContains(envelope.logs, String(text)));
  }
  if (isPlainObject(expect.cache)) out.cache = mapValues(expect.cache, (value, key) => refresh(value, ownValue(actual.cache, key), 'exact'));
  if (isPlainObject(expect.tables)) {
    out.tables = mapValues(expect.tables, (rows, table) =>
      isPlainObject(rows) ? mapValues(rows, (row, id) => refresh(row, ownValue(actual.tables[table] ?? {}, id), 'subset')) : rows,
    );
  }
  return out;
}

function snapshot(envelope: Envelope): Record<string, unknown> {
  return envelope.error ? { statusCode: envelope.statusCode, error: errorSnapshot(envelope) } : { statusCode: envelope.statusCode, data: envelope.data };
}

function errorSnapshot(envelope: Envelope): unknown {
  return envelope.error && { name: envelope.error.name, message: envelope.error.message };
}

function locate(raw: unknown, path: readonly PathSegment[]): unknown {
  let at: unknown = raw;
  for (const segment of path) at = (at as Record<string | number, unknown> | undefined)?.[segment];
  return at;
}

function mapValues(object: Record<string, unknown>, fn: (value: unknown, key: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value, key)]));
}
