/**
 * A script as Enfyra compiles it before it runs (`compileSource` in
 * shared/utils/script-code.util.ts): template syntax rewritten first, then —
 * for TypeScript, Enfyra's default language — transpiled with
 * `ts.transpileModule`, then checked to be an executable async function body.
 * Whatever Enfyra would refuse to save is a ScriptCompileError here, at the
 * line and column of the source as written.
 */
import type { Warning } from '../shared/diagnostics.ts';
import { rewriteTemplateSyntax } from '../template/rewrite.ts';
import { ScriptCompileError } from './compile-error.ts';
import { checkExecutable } from './executable.ts';
import { languageOf, type CompiledHook, type ScriptLanguage, type SourcePosition } from './hook-source.ts';
import { positionMapper } from './positions.ts';
import { parseHookCode } from './hook-ast.ts';
import { staticCallWarnings } from './static-calls.ts';
import { staticReadWarnings } from './static-reads.ts';
import { templateColumnMapper } from './template-positions.ts';
import { isTranspileFailure, transpileTypeScript } from './typescript.ts';

export interface CompileOptions {
  /** Display name, used in messages and stack traces. */
  filename: string;
  /** Default: from the file name (see languageOf). */
  language?: ScriptLanguage;
}

export function compileScript(written: string, options: CompileOptions): CompiledHook {
  const { filename } = options;
  const language = options.language ?? languageOf(filename);
  const source = blankShebang(written);
  const rewrite = rewriteTemplateSyntax(source);
  const rewritten = rewrite.code;
  const templateColumns = templateColumnMapper(source, rewritten);

  let code = rewritten;
  let map = null;
  if (language === 'typescript') {
    const out = transpileTypeScript(rewritten);
    if (isTranspileFailure(out)) {
      const column = templateColumns(out.line + 1, out.column);
      throw new ScriptCompileError(out.message, { file: filename, line: out.line + 1, column: column + 1 }, written);
    }
    code = out.code;
    map = out.map;
  }
  const originalPosition = positionMapper({ source, rewritten, code, map, templateColumns });

  const refused = checkExecutable(code);
  if (refused) {
    const at = refused.line === undefined ? null : originalPosition(refused.line, refused.column ?? 1);
    throw new ScriptCompileError(refused.message, { file: filename, line: at?.line, column: at?.column }, written);
  }

  const warnings: Warning[] = [
    ...templateWarnings(rewrite, filename),
    ...staticWarnings(code, filename, originalPosition),
  ];
  return { filename, code, source: written, originalPosition, warnings, language };
}

/**
 * The template rewriter reports Enfyra's rewrite traps with lines and columns
 * in the text it was given, which is the source as written; only the file is
 * added. (Read structurally: older rewriters return no warnings.)
 */
function templateWarnings(rewrite: object, filename: string): Warning[] {
  const warnings = (rewrite as { warnings?: readonly Warning[] }).warnings ?? [];
  return warnings.map((w) => ({ ...w, file: w.file ?? filename }));
}

/** The traps found by reading the compiled code, from one parse of it. */
function staticWarnings(code: string, filename: string, originalPosition: (line: number, column: number) => SourcePosition): Warning[] {
  const ast = parseHookCode(code);
  return ast ? [...staticReadWarnings(ast, filename, originalPosition), ...staticCallWarnings(ast, filename, originalPosition)] : [];
}

/** A `#!` first line would be a syntax error inside the function wrapper; blank it, keeping positions. */
function blankShebang(source: string): string {
  return source.startsWith('#!') ? source.replace(/^#![^\n\r\u2028\u2029]*/, (line) => ' '.repeat(line.length)) : source;
}
