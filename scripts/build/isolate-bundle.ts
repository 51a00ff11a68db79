/**
 * Writes the isolate's bootstrap bundle into dist/ next to the built runtime/sandbox/isolate-bundle.js,
 * which reads it (the built package never bundles at run time). Part of `npm run build`, after tsc.
 *
 *   node scripts/build/isolate-bundle.ts
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PREBUILT_FILE, buildIsolateBundle } from '../../runtime/sandbox/isolate-bundle.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SANDBOX_DIST = path.join(ROOT, 'dist/runtime/sandbox');

if (!existsSync(path.join(SANDBOX_DIST, 'isolate-bundle.js'))) {
  process.stderr.write(`${SANDBOX_DIST}/isolate-bundle.js is missing: run tsc -p tsconfig.build.json first\n`);
  process.exit(1);
}
writeFileSync(path.join(SANDBOX_DIST, PREBUILT_FILE), buildIsolateBundle());
