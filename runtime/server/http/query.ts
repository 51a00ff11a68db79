/**
 * `$ctx.$query` as Enfyra builds it: the query string through qs with the
 * server's options (src/express-app.ts), then parse-query.middleware.ts —
 * `filter`, `aggregate`, `deep`, `_filter` and `_deep` are JSON-parsed when
 * they are strings that parse (left as written otherwise), and `filter` and
 * `_filter` default to `{}`.
 *
 * (The request-surface parser for `run --query` is meant to move to
 * context/request.ts; until then this is the one the HTTP pipeline uses.)
 */
import qs from 'qs';

const JSON_FIELDS = new Set(['filter', 'aggregate', 'deep', '_filter', '_deep']);

/** qs as Enfyra's express app configures it. */
export function parseQueryString(text: string): Record<string, unknown> {
  return qs.parse(text, { allowPrototypes: false, depth: 10, parameterLimit: 1000, strictNullHandling: false, arrayLimit: 200 });
}

/** Enfyra's parse-query middleware over an already parsed query object. */
export function enfyraQuery(parsed: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    out[key] = typeof value === 'string' && JSON_FIELDS.has(key) ? parseOrKeep(value) : value;
  }
  if (out.filter === undefined) out.filter = {};
  if (out._filter === undefined) out._filter = {};
  return out;
}

function parseOrKeep(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The query part of a URL (`/a?b=1` → `b=1`). */
export function queryStringOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

export function pathOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}
