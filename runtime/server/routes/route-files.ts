/**
 * Reading route files: JSON text → schema check → the records they describe,
 * with the script files they name resolved beside them. Every problem names
 * the file, the field and (for JSON syntax) the line and column.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { formatPath, type PathSegment } from '../../shared/field-path.ts';
import type { RouteProblem, RouteScript } from './route-model.ts';
import {
  globalHooksFileSchema,
  routeFileSchema,
  type GlobalHooksFileSpec,
  type RouteFileSpec,
} from './route-schema.ts';

/** The file under the routes folder that holds global hooks instead of a route. */
export const GLOBAL_HOOKS_FILE = 'global-hooks.json';

export type FileRead<T> = { ok: true; spec: T } | { ok: false; problem: RouteProblem };

export function readRouteFile(file: string, display: string): FileRead<RouteFileSpec> {
  return readSpec(file, display, routeFileSchema);
}

export function readGlobalHooksFile(file: string, display: string): FileRead<GlobalHooksFileSpec> {
  return readSpec(file, display, globalHooksFileSchema);
}

function readSpec<T>(file: string, display: string, schema: z.ZodType<T>): FileRead<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(display, null, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const { message, line, column } = jsonErrorPosition(text, (err as Error).message);
    return { ok: false, problem: { file: display, field: null, message: `not valid JSON: ${message}`, line, column } };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      return fail(display, formatPath([...at, issue.keys[0]!]), 'unknown field (see docs/dev-server.md, "Routes", for the fields a route file may have)');
    }
    return fail(display, at.length ? formatPath(at) : null, issue.message);
  }
  return { ok: true, spec: parsed.data };
}

/** V8 reports "at position N (line L column C)"; keep the text, lift out the line and column. */
function jsonErrorPosition(text: string, message: string): { message: string; line?: number; column?: number } {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return { message: message.replace(/\s*\(line \d+ column \d+\)/, ''), line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /at position (\d+)/.exec(message);
  if (!pos) return { message };
  const before = text.slice(0, Number(pos[1]));
  return { message, line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

function fail(file: string, field: string | null, message: string): { ok: false; problem: RouteProblem } {
  return { ok: false, problem: { file, field, message } };
}

/** A problem found while resolving a valid file (a missing script, an unknown table). */
export class RouteFileError extends Error {
  readonly field: string;

  constructor(field: readonly PathSegment[], message: string) {
    super(message);
    this.field = formatPath(field);
  }
}

const SCRIPT_EXTENSIONS = new Set(['.js', '.ts', '.mjs', '.cjs']);

/** A record's code: a file resolved against the route file's folder (must exist), or its inline source. */
export function resolveScript(
  spec: { file?: string; sourceCode?: string },
  routeFile: string,
  displayFile: string,
  field: readonly PathSegment[],
  label: string,
): RouteScript {
  if (spec.sourceCode !== undefined) {
    return { target: { source: spec.sourceCode, filename: `${displayFile}#${formatPath(field)}` }, label };
  }
  const absolute = path.resolve(path.dirname(routeFile), spec.file!);
  if (!SCRIPT_EXTENSIONS.has(path.extname(absolute))) {
    throw new RouteFileError([...field, 'file'], `expected a .js or .ts script (got "${spec.file}")`);
  }
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new RouteFileError([...field, 'file'], `script file not found: ${spec.file} (paths are relative to ${path.dirname(displayFile) || '.'})`);
  return { target: { file: absolute }, label: `${label} (${spec.file})` };
}
