/** The two halves of a request line's target. */

/** The query part of a URL (`/a?b=1` → `b=1`). */
export function queryStringOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** The path part of a URL (`/a?b=1` → `/a`). */
export function pathOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}
