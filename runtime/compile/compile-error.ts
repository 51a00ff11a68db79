/**
 * A script Enfyra would refuse to save: the TypeScript transpiler reported a
 * syntax error, or the result is not an executable async function body.
 * Positions are in the source as written.
 */
import { codeFrame } from './code-frame.ts';

export interface CompileErrorLocation {
  readonly file: string;
  /** 1-based; absent when no position is known. */
  readonly line?: number;
  readonly column?: number;
}

export class ScriptCompileError extends SyntaxError {
  override readonly name = 'SyntaxError';
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The compiler's own words, without the location. */
  readonly reason: string;
  /** A few lines of the source around the position, with a marker ('' without a position). */
  readonly codeFrame: string;

  constructor(reason: string, where: CompileErrorLocation, source: string) {
    super(`${reason} (${formatLocation(where)})`);
    this.reason = reason;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.codeFrame = where.line === undefined ? '' : codeFrame(source, where.line, where.column ?? 1);
  }
}

/** `hooks/x.ts:3:7`, the form editors and terminals link. */
function formatLocation({ file, line, column }: CompileErrorLocation): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}
