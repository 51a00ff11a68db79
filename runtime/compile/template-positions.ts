/**
 * Positions through the template rewrite. The rewriter replaces a sigil word
 * (`@USER`, `#orders`, `%lodash`) with a `$ctx` path on the same line and
 * leaves every other character as it was, so each rewritten line can be
 * lined up with its source line on that rule alone, whatever the token table
 * says. A column inside a replacement maps to the start of the token it
 * replaced.
 */
import { splitLines } from './lines.ts';

/** Maps a 0-based column on a 1-based line of the rewritten code to a 0-based column of the source. */
export type ColumnMapper = (line: number, column: number) => number;

interface Segment {
  /** Where the segment starts in the rewritten line and in the source line. */
  readonly out: number;
  readonly src: number;
  /** True for a replacement: any column inside it maps to `src`. */
  readonly replaced: boolean;
}

const SIGILS = new Set(['@', '#', '%']);
const WORD_CHAR = /[A-Za-z0-9_$]/;
const REPLACEMENT_START = '$ctx';

export function templateColumnMapper(source: string, rewritten: string): ColumnMapper {
  if (source === rewritten) return (_line, column) => column;
  const sourceLines = splitLines(source);
  const outLines = splitLines(rewritten);
  // The rewrite keeps lines; if it ever did not, columns are the best we have.
  if (sourceLines.length !== outLines.length) return (_line, column) => column;
  const aligned = new Map<number, Segment[]>();
  return (line, column) => {
    const src = sourceLines[line - 1];
    const out = outLines[line - 1];
    if (src === undefined || out === undefined || src === out) return column;
    let segments = aligned.get(line);
    if (!segments) aligned.set(line, (segments = alignLine(src, out)));
    return mapColumn(segments, column, src.length);
  };
}

function mapColumn(segments: readonly Segment[], column: number, sourceLength: number): number {
  let segment: Segment | undefined;
  for (const s of segments) {
    if (s.out > column) break;
    segment = s;
  }
  if (!segment) return Math.min(column, sourceLength);
  const mapped = segment.replaced ? segment.src : segment.src + (column - segment.out);
  return Math.min(mapped, sourceLength);
}

/**
 * Walks a source line and its rewrite side by side. Equal characters open
 * (or continue) a plain segment; a sigil word in the source facing `$ctx` in
 * the rewrite is a replacement, which ends where the source text after the
 * token (up to the next sigil) resumes in the rewrite. On anything else the
 * alignment stops, and the last segment carries on column for column.
 */
export function alignLine(src: string, out: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  let j = 0;
  let inPlain = false;
  while (i < src.length && j < out.length) {
    if (src[i] === out[j]) {
      if (!inPlain) segments.push({ out: j, src: i, replaced: false });
      inPlain = true;
      i++;
      j++;
      continue;
    }
    if (!SIGILS.has(src[i]!) || !out.startsWith(REPLACEMENT_START, j)) break;
    let tokenEnd = i + 1;
    while (tokenEnd < src.length && WORD_CHAR.test(src[tokenEnd]!)) tokenEnd++;
    const replacementEnd = findReplacementEnd(src, tokenEnd, out, j);
    if (replacementEnd === -1) break;
    segments.push({ out: j, src: i, replaced: true });
    inPlain = false;
    i = tokenEnd;
    j = replacementEnd;
  }
  return segments;
}

function findReplacementEnd(src: string, tokenEnd: number, out: string, start: number): number {
  let nextSigil = tokenEnd;
  while (nextSigil < src.length && !SIGILS.has(src[nextSigil]!)) nextSigil++;
  const following = src.slice(tokenEnd, nextSigil);
  const minEnd = start + REPLACEMENT_START.length + 1;
  if (following === '') {
    if (tokenEnd === src.length) return out.length;
    // Another sigil right after the token: the rewrite continues with it, or with its replacement.
    for (let k = minEnd; k < out.length; k++) {
      if (out[k] === src[tokenEnd] || out.startsWith(REPLACEMENT_START, k)) return k;
    }
    return -1;
  }
  for (let k = minEnd; k <= out.length - following.length; k++) {
    if (out.startsWith(following, k)) return k;
  }
  return -1;
}
