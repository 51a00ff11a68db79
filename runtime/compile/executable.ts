/**
 * Enfyra's last check before it saves a script (`assertExecutableJavaScript`
 * in shared/utils/script-code.util.ts): the compiled code must be the body of
 * a strict-mode async arrow function, as V8 parses it. The same V8 (Node 24)
 * decides here, with the same wrapper; the function is only built, never
 * called. V8 does not say where the error is, so acorn, parsing the same
 * wrapper, supplies the position when it agrees that there is an error.
 */
import { parse } from 'acorn';
import { splitLines } from './lines.ts';

/** Lines the wrapper puts before the code: `return (async () => {` and `"use strict";`. */
const WRAPPER_LINES_BEFORE = 2;

export interface NotExecutable {
  readonly message: string;
  /** 1-based line and 1-based column in the code, when acorn finds the error too. */
  readonly line?: number;
  readonly column?: number;
}

function wrap(code: string): string {
  return `return (async () => {\n"use strict";\n${code}\n});`;
}

/** null when Enfyra would accept the code. */
export function checkExecutable(code: string): NotExecutable | null {
  if (!code) return null;
  try {
    new Function(wrap(code));
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { message, ...errorPosition(code) };
  }
}

function errorPosition(code: string): { line?: number; column?: number } {
  try {
    parse(wrap(code), { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, locations: true });
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc;
    if (!loc) return {};
    const codeLines = splitLines(code);
    const line = loc.line - WRAPPER_LINES_BEFORE;
    // An error in the wrapper's own lines (an unclosed brace reaches `});`) is reported at the end of the code.
    if (line < 1) return { line: 1, column: 1 };
    if (line > codeLines.length) return { line: codeLines.length, column: codeLines.at(-1)!.length + 1 };
    return { line, column: loc.column + 1 };
  }
  return {};
}
