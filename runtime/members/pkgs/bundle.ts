/**
 * `$ctx.$pkgs[name]` / `require(name)`: packages listed in config
 * (`packages.names`) and installed in the project are bundled with esbuild for
 * the isolate (browser platform: no Node built-ins) and handed to the sandbox
 * as preludes `{ name, version, source }`. `source` is one expression whose
 * value is the package as Enfyra exposes it: the default export when there is
 * one, else the module namespace (kernel executor.worker.js
 * loadEsmPackageIntoContext); a CommonJS package's `module.exports`.
 *
 * Enfyra loads an esm.sh build into the isolate and, when that fails (a
 * package that needs Node), runs the package in a separate Node process behind
 * a proxy. enfyra-run has no such process: a package that needs a Node
 * built-in is refused with an error naming it and the built-in.
 *
 * Bundles are cached in `packages.cacheDir`, keyed by package version (and the
 * bundler's), so a run only bundles what changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type * as Esbuild from 'esbuild';
import { writeFileAtomic } from '../../shared/write-file-atomic.ts';

export interface PackagePrelude {
  name: string;
  version: string;
  /** A script whose completion value is the package. */
  source: string;
}

export class PackageError extends Error {
  override readonly name = 'PackageError';
}

/** Bump when the shape of `source` changes: old cache entries are then ignored. */
const FORMAT = 1;

/** esbuild is loaded when a package is first bundled, not at start-up. */
const loadEsbuild = (): Promise<typeof Esbuild> => import('esbuild');

export interface BundleOptions {
  /** The user's project (its node_modules is searched upward from here). */
  projectRoot: string;
  cacheDir: string;
}

export async function bundlePackages(names: readonly string[], options: BundleOptions): Promise<PackagePrelude[]> {
  const preludes: PackagePrelude[] = [];
  for (const name of names) preludes.push(await bundlePackage(name, options));
  return preludes;
}

export async function bundlePackage(name: string, options: BundleOptions): Promise<PackagePrelude> {
  const dir = findPackageDir(name, options.projectRoot);
  if (!dir) throw new PackageError(`package "${name}" is not installed in ${options.projectRoot} (run: npm install ${name})`);
  let version: string;
  try {
    version = String((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  } catch (err) {
    throw new PackageError(`package "${name}": cannot read ${path.join(dir, 'package.json')}: ${(err as Error).message}`);
  }
  const { version: esbuildVersion } = await loadEsbuild();
  const key = createHash('sha256').update(`${FORMAT}\0${esbuildVersion}\0${name}\0${version}\0${dir}`).digest('hex').slice(0, 16);
  const cached = path.join(options.cacheDir, `${name.replace(/[^\w.-]/g, '_')}@${version.replace(/[^\w.-]/g, '_')}-${key}.js`);
  if (existsSync(cached)) return { name, version, source: readFileSync(cached, 'utf8') };

  const source = await build(name, options.projectRoot);
  writeFileAtomic(cached, source);
  return { name, version, source };
}

async function build(name: string, projectRoot: string): Promise<string> {
  const esbuild = await loadEsbuild();
  let result: Esbuild.BuildResult & { outputFiles: Esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: projectRoot, loader: 'js' },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'cjs',
      target: 'es2022',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
  } catch (err) {
    throw explain(name, err as Esbuild.BuildFailure);
  }
  const code = result.outputFiles[0]!.text;
  // A CommonJS wrapper with no globals touched; an ES module's default export wins over its namespace.
  return `(function () {
var module = { exports: {} }, exports = module.exports;
${code}
var m = module.exports;
return m && m.__esModule && 'default' in m ? m.default : m;
})()`;
}

function explain(name: string, failure: Esbuild.BuildFailure): PackageError {
  for (const error of failure.errors ?? []) {
    const missing = /Could not resolve "([^"]+)"/.exec(error.text)?.[1];
    if (missing && isBuiltin(missing)) {
      const where = error.location ? ` (imported by ${error.location.file})` : '';
      return new PackageError(
        `package "${name}" needs the Node built-in "${missing}"${where}, which the sandbox does not have; Enfyra would run it in a separate Node process, enfyra-run cannot`,
      );
    }
  }
  const first = failure.errors?.[0];
  return new PackageError(`package "${name}" could not be bundled for the sandbox: ${first ? first.text : failure.message}`);
}

/** node_modules/<name> in the project or a folder above it. */
function findPackageDir(name: string, from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}
