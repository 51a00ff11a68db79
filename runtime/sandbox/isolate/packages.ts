/**
 * Installed packages (`$ctx.$pkgs.<name>`, `require(name)`), as Enfyra's worker offers them: evaluated once
 * in the shared realm, after the bridge's globals are gone (a package never sees them), and frozen, so no
 * invocation can change what the next one gets.
 */
import type { IsolateConfig } from '../protocol.ts';
import { ErrorCtor, StringCtor, hasOwn, indirectEval, reflectApply } from './intrinsics.ts';
import { harden } from './lockdown.ts';

/** Loads the packages and installs `require`; returns them by name (`$ctx.$pkgs`). */
export function loadPackages(config: Pick<IsolateConfig, 'packages' | 'missingPackage'>): Record<string, unknown> {
  const packages: Record<string, unknown> = {};
  for (const pkg of config.packages) packages[pkg.name] = indirectEval(pkg.source);
  harden(packages);
  // Named by the property, not as `function require`: esbuild renames a function of that name (require2).
  globalThis.require = {
    require: function (name: unknown): unknown {
      if (typeof name === 'string' && reflectApply(hasOwn, packages, [name])) return packages[name];
      throw new ErrorCtor(config.missingPackage[0] + StringCtor(name) + config.missingPackage[1]);
    },
  }.require;
  return packages;
}
