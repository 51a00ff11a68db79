/**
 * A model of Enfyra 2.2's template rewriter (shared/utils/template-syntax.util.ts),
 * written from its rules, to find where it and ours disagree. Enfyra scans
 * characters with six states — code, '…', "…", `…`, // and /* comments — and
 * knows nothing else, so:
 * - in code, every `@`, `#` and `%` is rewritten, followed by the run of
 *   [A-Z0-9_] after it: `@NAME` if NAME is a token (`@CACHEx` → `$ctx.$cachex`),
 *   `#x` → `$ctx.$repos.x` (private members included), `%x` → `$ctx.$pkgs.x`
 *   (the remainder operator included);
 * - a regex literal is code: what is in it is rewritten, and a quote or `/*`
 *   in it opens a string or comment that swallows the code after it;
 * - `${` in a template literal is code until its `}`, counting braces.
 */
export interface TemplateEdit {
  start: number;
  end: number;
  replacement: string;
}

export type ScanState = 'code' | 'single' | 'double' | 'template' | 'line-comment' | 'block-comment';

/** A `@`, `#` or `%` Enfyra leaves alone because it believes it is not in code. */
export interface SkippedMark {
  at: number;
  state: Exclude<ScanState, 'code'>;
  /** Where that string, template text or comment began, as Enfyra sees it. */
  since: number;
}

export interface EnfyraScan {
  edits: TemplateEdit[];
  skipped: SkippedMark[];
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Z0-9_]/.test(c);

export function enfyraTemplateScan(source: string, tokens: ReadonlyMap<string, string>): EnfyraScan {
  const edits: TemplateEdit[] = [];
  const skipped: SkippedMark[] = [];
  let state: ScanState = 'code';
  let since = 0;
  let templateDepth = 0;
  let braceDepth = 0;
  let i = 0;
  const enter = (next: Exclude<ScanState, 'code'>, at: number) => {
    state = next;
    since = at;
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (state !== 'code') {
      if (c === '@' || c === '#' || c === '%') skipped.push({ at: i, state, since });
      if ((state === 'single' || state === 'double' || state === 'template') && c === '\\') {
        i += 2;
      } else if ((state === 'single' && c === "'") || (state === 'double' && c === '"') || (state === 'template' && c === '`')) {
        state = 'code';
        i++;
      } else if (state === 'template' && c === '$' && next === '{') {
        templateDepth++;
        braceDepth = 0;
        state = 'code';
        i += 2;
      } else if (state === 'line-comment' && c === '\n') {
        state = 'code';
        i++;
      } else if (state === 'block-comment' && c === '*' && next === '/') {
        state = 'code';
        i += 2;
      } else {
        i++;
      }
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      enter(c === "'" ? 'single' : c === '"' ? 'double' : 'template', i);
      i++;
    } else if (c === '/' && (next === '/' || next === '*')) {
      enter(next === '/' ? 'line-comment' : 'block-comment', i);
      i += 2;
    } else if (c === '@' || c === '#' || c === '%') {
      let end = i + 1;
      while (isWordChar(source[end])) end++;
      const word = source.slice(i + 1, end);
      const replacement = c === '@' ? tokens.get(word) : c === '#' ? `$ctx.$repos.${word}` : `$ctx.$pkgs.${word}`;
      if (replacement !== undefined) edits.push({ start: i, end, replacement });
      i = end;
    } else {
      if (c === '{' && templateDepth > 0) braceDepth++;
      if (c === '}' && templateDepth > 0) {
        if (braceDepth > 0) braceDepth--;
        else {
          templateDepth--;
          enter('template', i);
        }
      }
      i++;
    }
  }
  return { edits, skipped };
}
