/**
 * types/enfyra-ctx.d.ts must describe what hooks really use: every hook under
 * hooks/ (template syntax rewritten, body wrapped in an async function, as
 * the sandbox does) type-checks against it with checkJs.
 */
import { describe, it, expect } from 'vitest';
import ts from 'typescript';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

// It references types/members.d.ts (the members that reach outside the request) itself.
const DTS = path.join(PROJECT_ROOT, 'types/enfyra-ctx.d.ts');

function diagnosticsFor(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = { allowJs: true, checkJs: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [], strict: false };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => files[name] ?? read(name);
  host.fileExists = ((exists) => (name: string) => name in files || exists(name))(host.fileExists.bind(host));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) =>
    name in files ? ts.createSourceFile(name, files[name]!, version) : getSourceFile(name, version);
  const program = ts.createProgram([DTS, ...Object.keys(files)], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const wrap = (source: string) => `async function hook() {\n${rewriteTemplateSyntax(source).code}\n}\n`;

describe('types/enfyra-ctx.d.ts', () => {
  it('type-checks every hook under hooks/ (.js with checkJs, .ts as TypeScript)', () => {
    const hooks = readdirSync(path.join(PROJECT_ROOT, 'hooks')).filter((f) => /\.(js|ts)$/.test(f));
    expect(hooks.some((f) => f.endsWith('.ts'))).toBe(true);
    const files = Object.fromEntries(
      // A .ts file is a module of its own (`export {}`), so its wrapper does not clash with the scripts' globals.
      hooks.map((f) => [path.join('/virtual', f), wrap(readFileSync(path.join(PROJECT_ROOT, 'hooks', f), 'utf8')) + (f.endsWith('.ts') ? 'export {};\n' : '')]),
    );
    expect(hooks.length).toBeGreaterThan(5);
    expect(diagnosticsFor(files)).toEqual([]);
  });

  it('catches a misuse in a .ts hook too', () => {
    const diagnostics = diagnosticsFor({ '/virtual/bad.ts': wrap(`const n: number = @USER.email;\nawait $ctx.$cache.gett('k');`) });
    expect(diagnostics.join('\n')).toMatch(/Property 'gett' does not exist/);
    expect(diagnostics.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
  });

  it('catches a misuse (so the check above can fail)', () => {
    const diagnostics = diagnosticsFor({ '/virtual/bad.js': wrap(`await $ctx.$cache.get();\nawait $ctx.$cache.gett('k');`) });
    expect(diagnostics.join('\n')).toMatch(/Expected 1 arguments, but got 0/);
    expect(diagnostics.join('\n')).toMatch(/Property 'gett' does not exist/);
  });
});
