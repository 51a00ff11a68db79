/**
 * Turns the request flags of `enfyra-run run` into a HookRequest. Each flag
 * accepts the forms DESIGN §6 promises; anything else is a UsageError that
 * names the flag and what to write instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HookRequest } from '../context/request.ts';
import { UsageError } from './usage-error.ts';

export interface RequestFlags {
  params?: string[];
  query?: string[];
  body?: string;
  user?: string;
  anonymous?: boolean;
  method?: string;
  url?: string;
  header?: string[];
  ip?: string;
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export function requestFromFlags(flags: RequestFlags, cwd = process.cwd()): HookRequest {
  const request: HookRequest = {};
  if (flags.params) request.params = keyValues('--params', flags.params);
  if (flags.query) request.query = keyValues('--query', flags.query);
  if (flags.body !== undefined) request.body = jsonOrFile('--body', flags.body, cwd);
  if (flags.user !== undefined && flags.anonymous) throw new UsageError('--user and --anonymous cannot be used together');
  if (flags.anonymous) request.user = null;
  else if (flags.user !== undefined) request.user = jsonOrFile('--user', flags.user, cwd);
  if (flags.method !== undefined) {
    const method = flags.method.toUpperCase();
    if (!HTTP_METHODS.has(method)) throw new UsageError(`--method must be one of ${[...HTTP_METHODS].join(', ')} (got "${flags.method}")`);
    request.method = method;
  }
  if (flags.url !== undefined) {
    if (!flags.url.startsWith('/')) throw new UsageError(`--url must be a path starting with "/" (got "${flags.url}")`);
    request.url = flags.url;
  }
  if (flags.header) request.headers = headerFlags(flags.header);
  if (flags.ip !== undefined) request.ip = flags.ip;
  return request;
}

/** `--params k=v` (repeatable) or one JSON object; later pairs win. */
export function keyValues(flag: string, values: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const value of values) {
    if (value.trimStart().startsWith('{')) {
      const parsed = parseJson(flag, value);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new UsageError(`${flag} JSON must be an object, like ${flag} '{"id":"123"}'`);
      }
      Object.assign(out, parsed);
      continue;
    }
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects key=value or a JSON object (got "${value}"), like ${flag} id=123`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

/** `--header 'Name: value'` (repeatable), names lower-cased. */
export function headerFlags(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header expects 'Name: value' (got "${value}")`);
    out[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return out;
}

/** JSON text, or `@path` to read it from a file. */
export function jsonOrFile(flag: string, value: string, cwd: string): unknown {
  if (!value.startsWith('@')) return parseJson(flag, value);
  const file = path.resolve(cwd, value.slice(1));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseJson(`${flag} (${file})`, text);
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
}
