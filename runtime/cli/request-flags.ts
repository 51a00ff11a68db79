/**
 * Turns the request flags of `enfyra-run run` into a HookRequest. Each flag
 * accepts the forms DESIGN §4 promises; anything no real request could carry
 * is a UsageError that names the flag and what to write instead. The request
 * itself (query parsing, string params, `$req`) is built by
 * context/request.ts, the one place for it.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { routeParams, RequestDataError, type HookRequest } from '../context/request.ts';
import { encodeQuery, invalidJsonKey, JSON_QUERY_KEYS } from '../context/query.ts';
import { UsageError } from './usage-error.ts';

export interface RequestFlags {
  params?: string[];
  query?: string[];
  body?: string;
  rawBody?: string;
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
  if (flags.params) request.params = params(flags.params);
  if (flags.url !== undefined) request.url = url(flags.url);
  if (flags.query) request.url = withQuery(request.url ?? '/', flags.query);
  if (request.url !== undefined) checkQueryJson(request.url, flags.query ? '--query' : '--url');
  Object.assign(request, body(flags, cwd));
  if (flags.user !== undefined && flags.anonymous) throw new UsageError('--user and --anonymous cannot be used together');
  if (flags.anonymous) request.user = null;
  else if (flags.user !== undefined) request.user = user(jsonOrFile('--user', flags.user, cwd).value);
  if (flags.method !== undefined) {
    const method = flags.method.toUpperCase();
    if (!HTTP_METHODS.has(method)) throw new UsageError(`--method must be one of ${[...HTTP_METHODS].join(', ')} (got "${flags.method}")`);
    request.method = method;
  }
  if (flags.header) request.headers = headerFlags(flags.header);
  if (flags.ip !== undefined) {
    if (isIP(flags.ip) === 0) throw new UsageError(`--ip must be an IPv4 or IPv6 address (got "${flags.ip}")`);
    request.ip = flags.ip;
  }
  return request;
}

/** `--params k=v` (repeatable) or a JSON object; values become strings, as in a URL. */
function params(values: string[]): Record<string, string> {
  try {
    return routeParams(keyValues('--params', values));
  } catch (err) {
    if (err instanceof RequestDataError) throw new UsageError(`--params ${err.field.replace(/^params\./, '')}: ${err.reason}`);
    throw err;
  }
}

/** `k=v` pairs (repeatable) or JSON objects; later pairs win. */
export function keyValues(flag: string, values: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const value of values) {
    if (value.trimStart().startsWith('{')) {
      Object.assign(out, jsonObject(flag, value));
      continue;
    }
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects key=value or a JSON object (got "${value}"), like ${flag} id=123`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

function url(value: string): string {
  if (!value.startsWith('/')) throw new UsageError(`--url must be a path starting with "/", like --url '/orders/5?expand=1' (got "${value}")`);
  if (/[\s#]/.test(value)) throw new UsageError(`--url holds no spaces and no #fragment (got "${value}"); percent-encode them (%20, %23)`);
  return value;
}

/**
 * `--query` appends to the URL's query string, as a client would: `k=v` is
 * taken as the decoded text (it is encoded here), a JSON object as encodeQuery
 * writes it. Enfyra's parser then reads the whole string (context/query.ts).
 */
function withQuery(base: string, values: string[]): string {
  const pairs: string[] = [];
  for (const value of values) {
    if (value.trimStart().startsWith('{')) {
      const encoded = encodeQuery(jsonObject('--query', value));
      if (encoded) pairs.push(encoded);
      continue;
    }
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`--query expects key=value or a JSON object (got "${value}"), like --query page=2`);
    pairs.push(`${encodeURIComponent(value.slice(0, eq))}=${encodeURIComponent(value.slice(eq + 1))}`);
  }
  if (pairs.length === 0) return base;
  const joiner = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${joiner}${pairs.join('&')}`;
}

/**
 * Enfyra keeps a `filter` (or aggregate, deep, _filter, _deep) that is not
 * JSON as a plain string; from the command line that is a typo far more often
 * than a test of it, so it is refused (a fixture or the API can still send it).
 */
function checkQueryJson(requestUrl: string, flag: string): void {
  const q = requestUrl.indexOf('?');
  const bad = q === -1 ? null : invalidJsonKey(requestUrl.slice(q + 1));
  if (bad) {
    throw new UsageError(
      `${flag}: ${bad.key} is not valid JSON (${bad.message}); Enfyra JSON-parses ${JSON_QUERY_KEYS.join(', ')} and would pass this one to the script as a string`,
    );
  }
}

/**
 * `--body` JSON text or @file; `--raw-body` the body's exact text or @file
 * (`$req.rawBody`, e.g. for webhook signatures). Each keeps its text as
 * `$req.rawBody`; given both, `$body` comes from `--body` and `$req.rawBody`
 * from `--raw-body` (to test a signature against a tampered body).
 */
function body(flags: RequestFlags, cwd: string): Pick<HookRequest, 'body' | 'rawBody'> {
  const out: Pick<HookRequest, 'body' | 'rawBody'> = {};
  if (flags.body !== undefined) {
    const { value, text } = jsonOrFile('--body', flags.body, cwd);
    out.body = value;
    out.rawBody = text;
  }
  if (flags.rawBody !== undefined) {
    const text = textOrFile('--raw-body', flags.rawBody, cwd);
    out.rawBody = text;
    if (flags.body === undefined) {
      out.body = parseJson('--raw-body', text, 'Enfyra keeps $req.rawBody only for JSON bodies; give --body too to set $body yourself');
    }
  }
  return out;
}

function user(value: unknown): unknown {
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return value;
  throw new UsageError(`--user must be a JSON object (the signed-in user's row) or null, like --user '{"id":"u1","isRootAdmin":false,"role":{"id":2,"name":"Editor"}}' (got ${JSON.stringify(value)}); --anonymous for no user`);
}

export function headerFlags(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header expects 'Name: value' (got "${value}")`);
    out[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return out;
}

/** JSON text, or `@path` to read it from a file; the text is kept as given. */
export function jsonOrFile(flag: string, value: string, cwd: string): { value: unknown; text: string } {
  const text = textOrFile(flag, value, cwd);
  const where = value.startsWith('@') ? `${flag} (${path.resolve(cwd, value.slice(1))})` : flag;
  return { value: parseJson(where, text), text };
}

function textOrFile(flag: string, value: string, cwd: string): string {
  if (!value.startsWith('@')) return value;
  const file = path.resolve(cwd, value.slice(1));
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function jsonObject(flag: string, text: string): Record<string, unknown> {
  const parsed = parseJson(flag, text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${flag} JSON must be an object, like ${flag} '{"id":"123"}'`);
  }
  return parsed as Record<string, unknown>;
}

function parseJson(flag: string, text: string, hint?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}${hint ? ` (${hint})` : ''}`);
  }
}
