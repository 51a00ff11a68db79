/** Field paths as people read them: steps[2].expect.data.items[0]["user-profile:1"]. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/**
 * A field of a fixture file as reports name it: steps are counted from 1, as
 * in failure reports (`step 4 "name"`), so ['steps', 3, 'expect', 'statusCode']
 * reads `expect.statusCode in step 4`; other paths read as formatPath does.
 */
export function formatFixtureField(path: readonly PathSegment[]): string {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return formatPath(path);
  const step = `step ${path[1] + 1}`;
  return path.length === 2 ? step : `${formatPath(path.slice(2))} in ${step}`;
}
