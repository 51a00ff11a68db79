/** Reads every route file under the routes folder (recursively) and builds the route table. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../../shared/display-path.ts';
import { GLOBAL_HOOKS_FILE, readGlobalHooksFile, readRouteFile } from './route-files.ts';
import { buildRouteTable, type RouteTable } from './route-table.ts';

export interface LoadRoutesOptions {
  /** The routes folder (absolute); a missing folder means no route files. */
  routesDir: string;
  /** Messages show paths relative to this folder (the project root). */
  root: string;
  /** Tables of the database schema, in schema order. */
  tables: readonly string[];
  previous?: RouteTable | null;
}

export function loadRouteTable(options: LoadRoutesOptions): RouteTable {
  const display = (file: string) => displayPath(options.root, file);
  const globalFile = path.join(options.routesDir, GLOBAL_HOOKS_FILE);
  const files = listJsonFiles(options.routesDir);
  return buildRouteTable({
    tables: options.tables,
    routeFiles: files
      .filter((file) => file !== globalFile)
      .map((file) => ({ file, display: display(file), read: readRouteFile(file, display(file)) })),
    globalHooks: files.includes(globalFile)
      ? { file: globalFile, display: display(globalFile), read: readGlobalHooksFile(globalFile, display(globalFile)) }
      : null,
    previous: options.previous,
  });
}

function listJsonFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
