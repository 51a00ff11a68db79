/**
 * Enfyra's route matching (server src/shared/utils/route-match.util.ts):
 * among the routes whose availableMethods hold the method, every candidate
 * path is tried — the route's path, plus `<path>/:id` for PATCH and DELETE —
 * and the best score wins (a static segment counts 100, a `:param` 10, plus
 * one per segment); on a tie the earlier route wins.
 */

export interface MatchableRoute {
  readonly path: string;
  readonly availableMethods: readonly string[];
}

export interface RouteMatch<R> {
  route: R;
  /** Decoded path parameters (a segment that is not valid percent-encoding is kept as written). */
  params: Record<string, string>;
}

export function matchRoute<R extends MatchableRoute>(routes: readonly R[], method: string, path: string): RouteMatch<R> | null {
  const segments = splitPath(normalizePath(path));
  let best: { route: R; params: Record<string, string>; score: number } | null = null;
  for (const route of routes) {
    if (!route.availableMethods.includes(method)) continue;
    for (const candidate of candidatePaths(route.path, method)) {
      const pattern = splitPath(normalizePath(candidate));
      const params = matchSegments(pattern, segments);
      if (!params) continue;
      const score = scorePattern(pattern);
      if (!best || score > best.score) best = { route, params, score };
    }
  }
  return best && { route: best.route, params: best.params };
}

function candidatePaths(path: string, method: string): string[] {
  return method === 'PATCH' || method === 'DELETE' ? [path, `${path}/:id`] : [path];
}

export function normalizePath(path: string): string {
  if (!path) return '/';
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

function splitPath(path: string): string[] {
  return path === '/' ? [] : path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    if (part.startsWith('*')) {
      params.splat = path.slice(i).join('/');
      return params;
    }
    const actual = path[i];
    if (actual === undefined) return null;
    if (part.startsWith(':')) {
      params[part.slice(1)] = decodeSegment(actual);
      continue;
    }
    if (part !== actual) return null;
  }
  return pattern.length === path.length ? params : null;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function scorePattern(pattern: readonly string[]): number {
  let score = pattern.length;
  for (const part of pattern) {
    if (part.startsWith('*')) continue;
    score += part.startsWith(':') ? 10 : 100;
  }
  return score;
}
