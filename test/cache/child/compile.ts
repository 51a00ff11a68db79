/**
 * Child processes run plain Node, which cannot load TypeScript: transpile an
 * entry file and the relative modules it imports into a folder under
 * node_modules/.cache (so bare imports like ioredis resolve). Transpile only,
 * no type check: the test run's typecheck covers that, and other engineers'
 * unfinished files are never touched.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const RELATIVE_IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/gm;

export interface CompiledChild {
  /** The compiled entry, to run with `node`. */
  readonly entry: string;
  remove(): void;
}

export function compileForChild(entryTs: string): CompiledChild {
  const cacheRoot = path.join(REPO, 'node_modules', '.cache');
  mkdirSync(cacheRoot, { recursive: true });
  const out = mkdtempSync(path.join(cacheRoot, 'enfyra-cache-child-'));
  writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  const pending = [path.resolve(entryTs)];
  const done = new Set<string>();
  while (pending.length) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    const target = path.join(out, path.relative(REPO, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const match of source.matchAll(RELATIVE_IMPORT)) pending.push(path.resolve(path.dirname(file), `${match[1]}.ts`));
  }
  return {
    entry: path.join(out, path.relative(REPO, path.resolve(entryTs))).replace(/\.ts$/, '.js'),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}
