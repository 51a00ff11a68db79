/**
 * Where a script failed, from what the error says: Enfyra-style details
 * (`{ line, column, codeFrame }`), a compile error's `(file:line:column)`, or
 * a message ending in `(handler, line N)` / `(preHook #k, line N)` — and the
 * lines around it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeFrame as sourceCodeFrame } from '../compile/code-frame.ts';

export interface Located {
  location: { file: string; line: number; column?: number };
  codeFrame?: string;
}

/** `file`: the failing script's display path, used when the message names only a line. */
export function locateError(message: string, details: unknown, file: string | null, root: string): Located | null {
  const d = (details && typeof details === 'object' && !Array.isArray(details) ? details : {}) as Record<string, unknown>;
  if (typeof d.line === 'number' && file) {
    const column = typeof d.column === 'number' ? d.column : undefined;
    const frame = typeof d.codeFrame === 'string' ? d.codeFrame : codeFrame(root, file, d.line, column);
    return { location: { file, line: d.line, column }, codeFrame: frame };
  }
  const full = /\(([^()\s]+):(\d+):(\d+)\)\s*$/.exec(message);
  if (full) {
    const line = Number(full[2]);
    const column = Number(full[3]);
    return { location: { file: full[1]!, line, column }, codeFrame: codeFrame(root, full[1]!, line, column) };
  }
  const phase = /\((?:handler|preHook #\d+|postHook #\d+), line (\d+)\)/.exec(message);
  if (phase && file) {
    const line = Number(phase[1]);
    return { location: { file, line }, codeFrame: codeFrame(root, file, line) };
  }
  return null;
}

/** The lines around `line` of a file under `root`, marked as the compile step marks them; undefined when the file cannot be read. */
export function codeFrame(root: string, file: string, line: number, column?: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(path.resolve(root, file), 'utf8');
  } catch {
    return undefined;
  }
  return sourceCodeFrame(text, line, column ?? 0) || undefined;
}
