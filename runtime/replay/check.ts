/**
 * One request step's expectations against what happened. Field paths start
 * with the expectation's name as written in the fixture (`statusCode`,
 * `data.items[0]`, `dataMatch.limit`, `cache["user:1"]`, `tables.products["3"].price`).
 */
import type { Envelope } from '../context/envelope.ts';
import type { Row } from '../repos/repository.ts';
import { someLogContains } from '../shared/log-entry.ts';
import { compare, type Mismatch } from './compare.ts';
import { ownValue } from '../shared/json-value.ts';
import type { ExpectSpec } from './schema.ts';

export interface StepActual {
  envelope: Envelope;
  /** The cache keys the expectation names, decoded; absent keys left out. */
  cache: Record<string, unknown>;
  /** Table → primary key (as text) → row, for the rows the expectation names. */
  tables: Record<string, Record<string, Row>>;
}

export interface StepMismatch extends Mismatch {
  /** Extra explanation when expected/actual alone do not say it. */
  note?: string;
}

export function checkStep(expect: ExpectSpec, actual: StepActual): StepMismatch[] {
  const { envelope } = actual;
  const out: StepMismatch[] = [];
  if (expect.statusCode !== undefined && expect.statusCode !== envelope.statusCode) {
    out.push({ path: ['statusCode'], expected: expect.statusCode, actual: envelope.statusCode });
  }
  if (expect.error !== undefined) {
    out.push(...(expect.error === null ? compare(null, envelope.error, 'exact', ['error']) : compare(expect.error, envelope.error, 'subset', ['error'])));
  }
  if ('data' in expect) out.push(...compare(expect.data, envelope.data, 'exact', ['data']));
  if ('dataMatch' in expect) out.push(...compare(expect.dataMatch, envelope.data, 'subset', ['dataMatch']));
  if (expect.logs !== undefined) out.push(...compare(expect.logs, envelope.logs, 'exact', ['logs']));
  if (expect.warnings !== undefined) out.push(...compare(expect.warnings, envelope.warnings, 'exact', ['warnings']));
  if (expect.effects !== undefined) out.push(...compare(expect.effects, envelope.effects, 'exact', ['effects']));
  for (const [i, wanted] of (expect.effectsContain ?? []).entries()) {
    if (!envelope.effects.some((effect) => compare(wanted, effect, 'subset', []).length === 0)) {
      out.push({ path: ['effectsContain', i], expected: wanted, actual: envelope.effects, note: 'no effect matches' });
    }
  }
  for (const [i, text] of (expect.logsContain ?? []).entries()) {
    if (!someLogContains(envelope.logs, text)) {
      out.push({ path: ['logsContain', i], expected: text, actual: envelope.logs, note: 'no log line contains the expected text' });
    }
  }
  for (const [key, expected] of Object.entries(expect.cache ?? {})) {
    out.push(...compare(expected, ownValue(actual.cache, key), 'exact', ['cache', key]));
  }
  for (const [table, rows] of Object.entries(expect.tables ?? {})) {
    for (const [id, expected] of Object.entries(rows)) {
      out.push(...compare(expected, ownValue(actual.tables[table] ?? {}, id), 'subset', ['tables', table, id]));
    }
  }
  return out;
}
