/**
 * Reads one fixture file: JSON text → schema check → a runnable Fixture, or
 * an InvalidFixture naming the file and the field at fault.
 */
import path from 'node:path';
import { NotUtf8Error, readUtf8File } from '../shared/utf8.ts';
import { displayPath as displayName } from '../shared/display-path.ts';
import { FixtureError, fromZod } from './fixture-error.ts';
import type { Fixture, InvalidFixture } from './model.ts';
import { normalizeFixture, type NormalizeContext } from './normalize.ts';
import { fixtureSchema } from './schema.ts';

export type LoadResult = { ok: true; fixture: Fixture } | { ok: false; invalid: InvalidFixture };

export interface LoadContext extends NormalizeContext {
  /** Reports show paths relative to this folder. */
  cwd: string;
}

export function loadFixture(file: string, context: LoadContext): LoadResult {
  const absolute = path.resolve(context.cwd, file);
  const displayPath = displayName(context.cwd, absolute);
  try {
    const raw = parseJson(readText(absolute));
    const parsed = fixtureSchema.safeParse(raw);
    if (!parsed.success) throw fromZod(parsed.error, []);
    const fixture = normalizeFixture(parsed.data, raw as Record<string, unknown>, context);
    return { ok: true, fixture: { ...fixture, file: absolute, displayPath, name: parsed.data.name ?? baseName(absolute) } };
  } catch (err) {
    if (!(err instanceof FixtureError)) throw err;
    return { ok: false, invalid: { file: absolute, displayPath, field: err.field, message: err.message } };
  }
}

function readText(file: string): string {
  try {
    return readUtf8File(file);
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new FixtureError(null, err.message);
    throw new FixtureError(null, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FixtureError(null, `not valid JSON: ${withLineNumber(text, (err as Error).message)}`);
  }
}

/** V8 says "at position 42"; people want a line and column. */
function withLineNumber(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '')} (line ${line}, column ${column})`;
}

function baseName(file: string): string {
  return path.basename(file).replace(/\.json$/i, '');
}

export { displayName };
