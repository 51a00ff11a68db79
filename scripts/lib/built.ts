/**
 * The built runtime (dist/runtime), which the bench, the soaks and the lock
 * stress load on purpose: they measure what is shipped, after `npm run build`.
 * tsc checks their use of it against the sources: each entry of BuiltModules
 * names a built file and the source module it is compiled from.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** This checkout's build (tsconfig.build.json's outDir). */
export const BUILT_RUNTIME = path.join(ROOT, 'dist', 'runtime');

export interface BuiltModules {
  'index.js': typeof import('../../runtime/index.ts');
  'cache/cache-module.js': typeof import('../../runtime/cache/cache-module.ts');
  'cache/create-driver.js': typeof import('../../runtime/cache/create-driver.ts');
  'cache/drivers/redis.js': typeof import('../../runtime/cache/drivers/redis.ts');
  'cache/drivers/redis-scripts.js': typeof import('../../runtime/cache/drivers/redis-scripts.ts');
  'cli/main.js': typeof import('../../runtime/cli/main.ts');
  'config/load.js': typeof import('../../runtime/config/load.ts');
  'config/schema.js': typeof import('../../runtime/config/schema.ts');
  'context/request.js': typeof import('../../runtime/context/request.ts');
  'helpers/index.js': typeof import('../../runtime/helpers/index.ts');
  'repos/database-handle.js': typeof import('../../runtime/repos/database-handle.ts');
  'repos/fixtures.js': typeof import('../../runtime/repos/fixtures.ts');
  'repos/repos-module.js': typeof import('../../runtime/repos/repos-module.ts');
  'repos/sqlite-image.js': typeof import('../../runtime/repos/sqlite-image.ts');
  'sandbox/sandbox.js': typeof import('../../runtime/sandbox/sandbox.ts');
  'server/served-project.js': typeof import('../../runtime/server/served-project.ts');
  'shared/http-errors.js': typeof import('../../runtime/shared/http-errors.ts');
  'template/rewrite.js': typeof import('../../runtime/template/rewrite.ts');
}

export type BuiltModule = keyof BuiltModules;

/** The built `file` of the runtime in `dir` (default: this checkout's build). */
export async function importBuilt<F extends BuiltModule>(file: F, dir: string = BUILT_RUNTIME): Promise<BuiltModules[F]> {
  const loaded: BuiltModules[F] = await import(pathToFileURL(path.join(dir, file)).href);
  return loaded;
}
