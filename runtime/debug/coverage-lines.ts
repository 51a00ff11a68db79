/**
 * V8's block coverage of one hook script → execution counts per line of the
 * hook as its author wrote it. V8 counts ranges of the compiled script (the
 * sandbox's wrapper line, then the executable code); a line's count is that of
 * the innermost range holding its first token, and the line is carried back
 * through the compile step's position mapping (template rewrite, TypeScript
 * transpile). Lines holding no code (blank, comments, closing brackets) get
 * no count, as coverage tools leave them out.
 */
import type { HookSource } from '../compile/hook-source.ts';
import { hookScriptSource } from '../sandbox/bootstrap-source.ts';

export interface CoverageRange {
  startOffset: number;
  endOffset: number;
  count: number;
}

export interface FunctionCoverage {
  functionName: string;
  ranges: CoverageRange[];
  isBlockCoverage: boolean;
}

/** Source line (1-based) → times it ran. */
export type LineCounts = Map<number, number>;

/** Lines before the hook's first line in the compiled script (see hookScriptSource). */
const WRAPPER_LINES = 1;

export function hookLineCounts(hook: HookSource, functions: readonly FunctionCoverage[]): LineCounts {
  // Widest first, so that a narrower (inner) range read later overrides the count of the one around it.
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  const countAt = (offset: number): number => {
    let count = 0;
    for (const range of ranges) if (range.startOffset <= offset && offset < range.endOffset) count = range.count;
    return count;
  };
  const counts: LineCounts = new Map();
  // Lines at even indexes, the line breaks between them at odd ones.
  const parts = hookScriptSource(hook.code).split(/(\r\n|[\n\r\u2028\u2029])/);
  let offset = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i]!;
    const codeLine = i / 2 - WRAPPER_LINES + 1;
    const column = firstToken(text);
    if (codeLine >= 1 && column !== null) {
      const count = countAt(offset + column);
      const at = hook.originalPosition ? hook.originalPosition(codeLine, column + 1).line : codeLine;
      counts.set(at, Math.max(counts.get(at) ?? 0, count));
    }
    offset += text.length + (parts[i + 1]?.length ?? 0);
  }
  return counts;
}

/**
 * 0-based column of the first token that is code on the line, past closing
 * brackets (`} else {` counts as `else`); null for a line with none.
 */
function firstToken(text: string): number | null {
  const at = /[^\s})\],;]/.exec(text);
  if (!at) return null;
  const rest = text.slice(at.index);
  if (rest.startsWith('//') || rest.startsWith('/*') || rest.startsWith('*')) return null;
  return at.index;
}
