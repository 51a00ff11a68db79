/**
 * The isolate's bootstrap (runtime/sandbox/isolate/) as one script: esbuild's bundle of its modules,
 * an expression whose value is its `boot` function (bootstrap-source.ts calls it with the configuration).
 *
 * The built package ships it prebuilt (`npm run build` writes PREBUILT_FILE next to this module's .js);
 * from the sources it is bundled when they change, so a change under runtime/sandbox/isolate/ is seen
 * without a build. The bundle of the sources is kept in node_modules/.cache, keyed by their content:
 * each process run from the sources (every CLI a test spawns) would otherwise pay ~70 ms for esbuild.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../shared/write-file-atomic.ts';

/** The prebuilt bundle's name, next to this module in dist/. */
export const PREBUILT_FILE = 'isolate.bundle.js';

/** The iife's name: a local of the function around it, never a global of the isolate. */
const BUNDLE_NAME = 'enfyraIsolate';

let cached: string | undefined;

export function isolateBundle(): string {
  cached ??= import.meta.url.endsWith('.ts') ? bundleOfSources() : readPrebuilt();
  return cached;
}

/** The files the bundle is made of: the isolate's folder and the protocol it shares with the host (its imports of shared/ are types). */
function sourceFiles(): string[] {
  const isolateDir = fileURLToPath(new URL('./isolate/', import.meta.url));
  const files = readdirSync(isolateDir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(isolateDir, entry.name))
    .sort();
  // This module too: how it bundles (target, wrapper) is part of what the bundle is.
  return [...files, fileURLToPath(new URL('./protocol.ts', import.meta.url)), fileURLToPath(import.meta.url)];
}

function bundleOfSources(): string {
  // esbuild's version from its package.json: loading esbuild itself is for a cache miss only.
  const esbuild = createRequire(import.meta.url)('esbuild/package.json') as { version: string };
  const hash = createHash('sha256').update(esbuild.version);
  for (const file of sourceFiles()) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  // The checkout's own node_modules/.cache (where tools keep caches), not a shared temp folder another
  // user could write a bootstrap into.
  const dir = fileURLToPath(new URL('../../node_modules/.cache/enfyra-run-isolate/', import.meta.url));
  const file = path.join(dir, `${hash.digest('hex').slice(0, 24)}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not built for these sources yet.
  }
  const bundle = buildIsolateBundle();
  try {
    writeFileAtomic(file, bundle);
  } catch {
    // A cache folder that cannot be written only costs the next process a rebuild.
  }
  return bundle;
}

function readPrebuilt(): string {
  const file = new URL(PREBUILT_FILE, import.meta.url);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`the isolate's bootstrap ${fileURLToPath(file)} is missing (npm run build makes it): ${(err as Error).message}`);
  }
}

/** Bundles runtime/sandbox/isolate/main.ts with esbuild (loaded only here: the built package never needs it). */
export function buildIsolateBundle(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    // Paths (in the bundle's comments) relative to the project, whatever the working directory.
    absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
    entryPoints: [fileURLToPath(new URL('./isolate/main.ts', import.meta.url))],
    tsconfig: fileURLToPath(new URL('./isolate/tsconfig.json', import.meta.url)),
    bundle: true,
    write: false,
    format: 'iife',
    globalName: BUNDLE_NAME,
    // What the isolate's tsconfig checks against, and V8 in Node 24 runs as written: nothing is lowered.
    target: 'es2024',
    platform: 'neutral',
    legalComments: 'none',
    logLevel: 'silent',
    banner: { js: '(function () {' },
    footer: { js: `return ${BUNDLE_NAME}.boot;\n})()` },
  });
  return result.outputFiles[0]!.text;
}
