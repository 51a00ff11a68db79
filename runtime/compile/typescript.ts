/**
 * TypeScript → JavaScript exactly as Enfyra compiles a script whose
 * `scriptLanguage` is 'typescript' (its `transpileTypeScript` in
 * shared/utils/script-code.util.ts): `ts.transpileModule` with the same
 * compiler options, the first error diagnostic refusing the script, the output
 * trimmed at the end. No type checking: only syntax errors count. Enums and
 * `const enum`s compile to the usual IIFE objects (transpileModule sees one
 * file, so a `const enum` is emitted like an `enum`, never inlined).
 *
 * The one addition is a source map, so that positions in the output lead back
 * to the input; it does not change the emitted code (only the trailing
 * `//# sourceMappingURL` comment, which is removed).
 */
import type TypeScript from 'typescript';
import { TraceMap } from '@jridgewell/trace-mapping';
import { lazyRequire } from '../shared/lazy-require.ts';

/** Loaded on the first TypeScript script: it takes longer to load than a JavaScript hook takes to run. */
const ts = lazyRequire<typeof TypeScript>('typescript');

export interface TranspileOutput {
  readonly code: string;
  readonly map: TraceMap;
}

export interface TranspileFailure {
  readonly message: string;
  /** 0-based line and column of the error in the input. */
  readonly line: number;
  readonly column: number;
}

/** Enfyra's options, plus the source map. */
function compilerOptions(t: typeof TypeScript): TypeScript.CompilerOptions {
  return {
    target: t.ScriptTarget.ES2022,
    module: t.ModuleKind.CommonJS,
    importsNotUsedAsValues: t.ImportsNotUsedAsValues.Remove,
    sourceMap: true,
    inlineSourceMap: false,
    inlineSources: false,
  };
}

const SOURCE_MAP_COMMENT = /\n?\/\/# sourceMappingURL=[^\n]*\s*$/;

export function transpileTypeScript(input: string): TranspileOutput | TranspileFailure {
  // No fileName, as in Enfyra: transpileModule then reads the text as a .ts module (not TSX).
  const t = ts();
  const result = t.transpileModule(input, { compilerOptions: compilerOptions(t), reportDiagnostics: true });
  const error = result.diagnostics?.find((d) => d.category === t.DiagnosticCategory.Error);
  if (error) {
    const message = t.flattenDiagnosticMessageText(error.messageText, '\n');
    const at = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : null;
    return { message, line: at?.line ?? 0, column: at?.character ?? 0 };
  }
  return {
    code: result.outputText.replace(SOURCE_MAP_COMMENT, '').trimEnd(),
    map: new TraceMap(result.sourceMapText!),
  };
}

export function isTranspileFailure(result: TranspileOutput | TranspileFailure): result is TranspileFailure {
  return 'message' in result;
}
