import path from 'node:path';

/** A path as messages show it: relative to `root` with forward slashes, or absolute when outside it. */
export function displayPath(root: string, absolute: string): string {
  const relative = path.relative(root, absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
}
