/**
 * A request whose scripts do not all compile runs none of them (Enfyra would
 * have refused to save the broken one): the result is the compile error, as a
 * 500 with the error's name, its message naming the file, line and column,
 * and the position and a code frame in `details`.
 */
import type { ScriptCompileError } from '../compile/compile-error.ts';
import type { ContextData } from '../sandbox/invocation.ts';
import type { ChainResult } from './chain.ts';

export function compileFailure(error: ScriptCompileError, context: ContextData): ChainResult {
  const details = { phase: 'compile', file: error.file, line: error.line, column: error.column, codeFrame: error.codeFrame };
  return {
    envelope: {
      statusCode: 500,
      data: null,
      error: { statusCode: 500, name: error.name, message: error.message, details },
      logs: [],
      warnings: [],
      effects: [],
      durationMs: 0,
    },
    context,
  };
}
