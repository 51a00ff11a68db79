/** Calls helpers the way the bridge does: through the host modules, with a Scope. */
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { createHelperModules, type HelperModuleOptions } from '../../runtime/helpers/index.ts';
import type { HostMethod, HostModule } from '../../runtime/sandbox/host-module.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';

export type Helpers = (path: string, ...args: unknown[]) => unknown;

/** `path` is `$helpers.autoSlug`, `$helpers.$crypto.sha256`, ... */
export function findMethod(modules: HostModule[], path: string): HostMethod {
  const dot = path.lastIndexOf('.');
  const method = modules.find((m) => m.path === path.slice(0, dot))?.methods[path.slice(dot + 1)];
  if (!method) throw new Error(`no helper ${path}`);
  return method;
}

/** A driver for helpers that never touch the cache. */
export const NO_CACHE = new Proxy({} as CacheDriver, {
  get: (_target, name) => {
    throw new Error(`unexpected cache call: ${String(name)}`);
  },
});

export function helpers(
  overrides: Partial<HelperModuleOptions> = {},
  scope: Scope = new Scope(),
): Helpers {
  const modules = createHelperModules({
    helpers: { jwtSecret: 'test-secret-that-is-long-enough-for-hs256', bcryptRounds: 4 },
    mode: 'development',
    cache: { driver: NO_CACHE, namespace: 'test' },
    ...overrides,
  });
  return (path, ...args) => findMethod(modules, path).call(scope, args);
}
