/**
 * Imports under runtime/ point one way: a folder may import its own files and the folders ranked below it,
 * never one ranked at or above it (peers stay independent). The ranks are the architecture in one table.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';

/** Lower ranks are lower layers. `runtime.ts` and `index.ts` at the top of runtime/ are the `runtime` unit. */
export const LAYERS: Readonly<Record<string, number>> = {
  shared: 0,
  config: 1,
  template: 2,
  compile: 3,
  sandbox: 4,
  cache: 5,
  repos: 5,
  // The inspector (--inspect, --coverage): on the sandbox's isolates, below everything that uses it.
  debug: 5,
  helpers: 6,
  context: 7,
  members: 8,
  runtime: 9,
  server: 10,
  replay: 11,
  cli: 12,
};

const RUNTIME = path.join(PROJECT_ROOT, 'runtime');

function unitOf(file: string): string {
  const rel = path.relative(RUNTIME, file);
  const first = rel.split(path.sep)[0]!;
  return first.endsWith('.ts') ? 'runtime' : first;
}

function sourceFiles(): string[] {
  return readdirSync(RUNTIME, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(RUNTIME, f));
}

export interface Violation {
  from: string;
  to: string;
}

export function violations(files: readonly string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): Violation[] {
  const found: Violation[] = [];
  for (const file of files) {
    const from = unitOf(file);
    const info = ts.preProcessFile(read(file), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName);
      if (!target.startsWith(RUNTIME + path.sep)) continue;
      const to = unitOf(target);
      if (to === from) continue;
      if (!(from in LAYERS) || !(to in LAYERS) || LAYERS[to]! >= LAYERS[from]!) {
        found.push({ from: path.relative(PROJECT_ROOT, file), to: path.relative(PROJECT_ROOT, target) });
      }
    }
  }
  return found;
}

const ISOLATE = path.join(RUNTIME, 'sandbox', 'isolate');
const PROTOCOL = path.join(RUNTIME, 'sandbox', 'protocol.ts');

/**
 * runtime/sandbox/isolate/ is sandbox-rank code that runs only inside the isolate, bundled by esbuild: it
 * imports its own modules, the protocol it shares with the host, and packages' types only (a package it
 * imported would be bundled into every isolate); the host never imports it.
 */
export function isolateViolations(files: readonly string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): Violation[] {
  const found: Violation[] = [];
  const inIsolate = (file: string) => file.startsWith(ISOLATE + path.sep);
  for (const file of files) {
    const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier) continue;
      const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      const typeOnly = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      const target = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier;
      const allowed = inIsolate(file)
        ? specifier.startsWith('.') ? inIsolate(target) || target === PROTOCOL : typeOnly
        : !inIsolate(target);
      if (!allowed) found.push({ from: path.relative(PROJECT_ROOT, file), to: specifier.startsWith('.') ? path.relative(PROJECT_ROOT, target) : specifier });
    }
  }
  return found;
}

describe('layering of runtime/', () => {
  it('every folder under runtime/ has a rank', () => {
    const units = new Set(sourceFiles().map(unitOf));
    expect([...units].filter((u) => !(u in LAYERS))).toEqual([]);
  });

  it('no import points up or sideways', () => {
    expect(violations(sourceFiles())).toEqual([]);
  });

  it("the isolate's code imports only itself, the protocol and packages' types; the host never imports it", () => {
    expect(sourceFiles().filter((f) => f.startsWith(ISOLATE + path.sep)).length).toBeGreaterThan(5);
    expect(isolateViolations(sourceFiles())).toEqual([]);
  });

  it('the isolate check catches a host import in the isolate, a package bundled into it, and the host importing it', () => {
    const main = path.join(ISOLATE, 'main.ts');
    const pool = path.join(RUNTIME, 'sandbox', 'isolate-pool.ts');
    const sources: Record<string, string> = {
      [main]: `import type { Harden } from 'ses';\nimport { URL_PARTS } from '../protocol.ts';\nimport { Sandbox } from '../sandbox.ts';\nimport { parse } from 'qs';`,
      [pool]: `import { boot } from './isolate/main.ts';`,
    };
    expect(isolateViolations([main, pool], (file) => sources[file]!)).toEqual([
      { from: 'runtime/sandbox/isolate/main.ts', to: 'runtime/sandbox/sandbox.ts' },
      { from: 'runtime/sandbox/isolate/main.ts', to: 'qs' },
      { from: 'runtime/sandbox/isolate-pool.ts', to: 'runtime/sandbox/isolate/main.ts' },
    ]);
  });

  it('the check itself catches an upward and a sideways import', () => {
    const shared = path.join(RUNTIME, 'shared', 'probe.ts');
    const cache = path.join(RUNTIME, 'cache', 'probe.ts');
    const found = violations([shared, cache], (file) =>
      file === shared ? `import { main } from '../cli/main.ts';` : `import type { Database } from '../repos/database.ts';`,
    );
    expect(found).toEqual([
      { from: 'runtime/shared/probe.ts', to: 'runtime/cli/main.ts' },
      { from: 'runtime/cache/probe.ts', to: 'runtime/repos/database.ts' },
    ]);
  });
});
