/**
 * `$ctx.$query` as Enfyra builds it from a URL: Express's query parser set
 * to qs with Enfyra's options (express-app.ts), then its parse-query
 * middleware — `filter`, `aggregate`, `deep`, `_filter` and `_deep` are
 * JSON-parsed when they are strings (text that is not JSON stays a string),
 * and `filter` and `_filter` default to `{}`.
 *
 * A query given as an object (the API, fixtures, `--query '{...}'`) is first
 * written as the query string a client would send, so it arrives exactly as
 * that URL would give it: numbers become strings, arrays and nested objects
 * go through qs's bracket syntax, and the JSON-parsed keys take any JSON.
 */
import type Qs from 'qs';
import { lazyRequire } from '../shared/lazy-require.ts';

/** qs (two dozen modules with its dependencies) is loaded when a query string is first read or written. */
const qs = lazyRequire<typeof Qs>('qs');

/** Enfyra's `app.set('query parser', ...)` options. */
const PARSE_OPTIONS: Qs.IParseOptions = {
  allowPrototypes: false,
  depth: 10,
  parameterLimit: 1000,
  strictNullHandling: false,
  arrayLimit: 200,
};

/** Keys parse-query.middleware.ts JSON-parses. */
export const JSON_QUERY_KEYS: readonly string[] = ['filter', 'aggregate', 'deep', '_filter', '_deep'];
/** Keys it defaults to `{}`. */
const DEFAULTED_KEYS: readonly string[] = ['filter', '_filter'];

/** The query string (without `?`) → `$query`. */
export function parseQuery(search: string): Record<string, unknown> {
  // qs reads '' as {}: a request without a query string does not need it.
  const parsed = search === '' ? {} : (qs().parse(search, PARSE_OPTIONS) as Record<string, unknown>);
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    query[key] = typeof value === 'string' && JSON_QUERY_KEYS.includes(key) ? parseJsonOr(value) : value;
  }
  for (const key of DEFAULTED_KEYS) if (query[key] === undefined) query[key] = {};
  return query;
}

/**
 * A query object → the query string a client would send for it: JSON-parsed
 * keys holding a non-string as JSON text, everything else in qs's notation.
 */
export function encodeQuery(query: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (JSON_QUERY_KEYS.includes(key) && typeof value !== 'string') {
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(JSON.stringify(value))}`);
      continue;
    }
    const encoded = qs().stringify({ [key]: value });
    if (encoded) pairs.push(encoded);
  }
  return pairs.join('&');
}

/** The first JSON-parsed key whose text is not JSON, with the parser's complaint; null when there is none. */
export function invalidJsonKey(search: string): { key: string; message: string } | null {
  const parsed = qs().parse(search, PARSE_OPTIONS) as Record<string, unknown>;
  for (const key of JSON_QUERY_KEYS) {
    const value = parsed[key];
    if (typeof value !== 'string') continue;
    try {
      JSON.parse(value);
    } catch (err) {
      return { key, message: (err as Error).message };
    }
  }
  return null;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
