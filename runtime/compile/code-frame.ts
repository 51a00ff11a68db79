/** A few lines of a script around one position, with a marker under it (for error details). */
import type * as BabelCodeFrame from '@babel/code-frame';
import { lazyRequire } from '../shared/lazy-require.ts';
import { splitLines } from './lines.ts';

/** Loaded by the first error that shows its lines. */
const babelCodeFrame = lazyRequire<typeof BabelCodeFrame>('@babel/code-frame');

const LINES_AROUND = 2;

/** `line` and `column` are 1-based (a column below 1 marks the whole line); '' when the line is outside the source. */
export function codeFrame(source: string, line: number, column: number): string {
  if (!Number.isInteger(line) || line < 1 || line > splitLines(source).length) return '';
  // @babel/code-frame 8 counts columns from 0; without a column it marks the line only.
  const start = Number.isInteger(column) && column >= 1 ? { line, column: column - 1 } : ({ line } as { line: number; column: number });
  return babelCodeFrame().codeFrameColumns(source, { start }, { linesAbove: LINES_AROUND, linesBelow: LINES_AROUND, highlightCode: false });
}
