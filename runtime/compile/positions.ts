/**
 * A position in the executable code → the same place in the source as
 * written, through the TypeScript transpile (its source map) and then the
 * template rewrite (see template-positions.ts).
 */
import { decodedMappings, type TraceMap } from '@jridgewell/trace-mapping';
import type { SourcePosition } from './hook-source.ts';
import { splitLines } from './lines.ts';
import type { ColumnMapper } from './template-positions.ts';

/** 0-based line and column in the rewritten (template-free) text. */
interface RewrittenPosition {
  line: number;
  column: number;
}

export interface PositionMapperParts {
  readonly source: string;
  /** The source after the template rewrite: what the transpiler read. */
  readonly rewritten: string;
  /** The executable code. */
  readonly code: string;
  /** The transpile's source map; null when no transpile ran (code === rewritten). */
  readonly map: TraceMap | null;
  readonly templateColumns: ColumnMapper;
}

export function positionMapper(parts: PositionMapperParts): (line: number, column: number) => SourcePosition {
  const sourceLines = splitLines(parts.source);
  let codeLines: string[] | undefined;
  let rewrittenLines: string[] | undefined;
  return (line, column) => {
    let at: RewrittenPosition;
    if (parts.map) {
      codeLines ??= splitLines(parts.code);
      rewrittenLines ??= splitLines(parts.rewritten);
      at = throughSourceMap(parts.map, codeLines, rewrittenLines, line - 1, Math.max(0, column - 1));
    } else {
      at = { line: line - 1, column: Math.max(0, column - 1) };
    }
    const sourceLine = clamp(at.line, 0, sourceLines.length - 1);
    const sourceColumn = parts.templateColumns(sourceLine + 1, at.column);
    return { line: sourceLine + 1, column: clamp(sourceColumn, 0, sourceLines[sourceLine]!.length) + 1 };
  };
}

type Segment = readonly number[];

/**
 * The mapping segment at or before the column on that generated line (or the
 * first one after it, or the last one of an earlier line). TypeScript maps
 * tokens, not characters: when the text from the segment to the column is the
 * same on both sides, the column moves along with it.
 */
function throughSourceMap(
  map: TraceMap,
  codeLines: readonly string[],
  rewrittenLines: readonly string[],
  line: number,
  column: number,
): RewrittenPosition {
  const lines = decodedMappings(map);
  const generatedLine = clamp(line, 0, Math.max(0, lines.length - 1));
  const own = (lines[generatedLine] ?? []).filter(hasSource);
  const before = own.filter((s) => s[0]! <= column).at(-1);
  if (before) {
    const [genColumn, , srcLine, srcColumn] = before as [number, number, number, number];
    const delta = column - genColumn;
    const generatedText = (codeLines[generatedLine] ?? '').slice(genColumn, column);
    const sourceText = (rewrittenLines[srcLine] ?? '').slice(srcColumn, srcColumn + delta);
    return { line: srcLine, column: generatedText === sourceText ? srcColumn + delta : srcColumn };
  }
  if (own[0]) return { line: own[0][2]!, column: own[0][3]! };
  for (let l = generatedLine - 1; l >= 0; l--) {
    const last = (lines[l] ?? []).filter(hasSource).at(-1);
    if (last) return { line: last[2]!, column: last[3]! };
  }
  return { line: 0, column: 0 };
}

function hasSource(segment: Segment): boolean {
  return segment.length >= 4;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}
