/**
 * Where a script failed, from what the error says: Enfyra-style details
 * (`{ line, column, codeFrame }`), a compile error's `(file:line:column)`, or
 * a message ending in `(handler, line N)` / `(preHook #k, line N)` — and the
 * lines around it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

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

/** Two lines either side of `line`, the line itself marked, a caret under `column`; undefined when the file cannot be read. */
export function codeFrame(root: string, file: string, line: number, column?: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(path.resolve(root, file), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line && column) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
