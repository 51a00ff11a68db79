/**
 * Rewrites Enfyra's template syntax to the `$ctx` form before compiling, and
 * warns where Enfyra's own rewriter would differ (portability.ts):
 * `@CACHE` → `$ctx.$cache` (see tokens.ts), `#orders` → `$ctx.$repos.orders`,
 * `%lodash` → `$ctx.$pkgs.lodash`.
 *
 * Only code is rewritten — never string literals, template-literal text,
 * regex literals or comments — but `${...}` expressions inside template
 * literals are code. Rules:
 * - `@NAME` must be a whole identifier-like word: `@THROW4041` and `@USERS`
 *   are left alone (and the compiler then reports them where they stand).
 * - `#name` is left alone where it is a private member: after `.`/`?.`,
 *   directly in a class body (declarations), and before `in` (`#x in obj`).
 * - `%name` is a package only where an expression can start and with no space
 *   after `%`; after an operand it is modulo (`a %b`, as JavaScript reads it).
 *
 * Positions: every replacement is a single line and replaces text on one
 * line, so line numbers in compile and runtime errors are the user's own.
 * Columns to the right of a rewritten token on the same line shift right by
 * (replacement length − token length), e.g. +5 after `@CACHE`.
 */
import { tokTypes as tt } from 'acorn';
import type { Warning } from '../shared/diagnostics.ts';
import type { TemplateEdit as Edit } from './enfyra-rules.ts';
import { isMemberAccess, lex, type LexedToken } from './lex.ts';
import { templatePortabilityWarnings } from './portability.ts';
import { AT_TOKENS, packageReference, tableReference } from './tokens.ts';

export { TEMPLATE_WARNINGS } from './portability.ts';

export interface RewriteResult {
  /** The script in the `$ctx` form, every line where it was. */
  code: string;
  /**
   * Where Enfyra's own rewriter would do something else (reject the script,
   * or rewrite a regex, a private member, a string it misreads), with line
   * and column in the source as written; `file` is left for the caller.
   */
  warnings: Warning[];
}

/**
 * acorn cannot lex `@`, so every `@` that starts a word is masked as an
 * identifier character of the same length; `@CACHE` then lexes as one name
 * token starting where the `@` was, and all offsets stay those of the source.
 */
const AT_WORD = /@(?=[A-Za-z_])/g;
const AT_MASK = '_';

export function rewriteTemplateSyntax(source: string): RewriteResult {
  const tokens = lex(source.replace(AT_WORD, AT_MASK));
  const edits: Edit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const edit = templateEdit(source, tokens, i);
    if (edit) edits.push(edit);
  }
  const warnings = templatePortabilityWarnings(source, tokens, edits);
  return { code: edits.length === 0 ? source : applyEdits(source, edits), warnings };
}

function templateEdit(source: string, tokens: LexedToken[], i: number): Edit | null {
  const token = tokens[i]!;
  const next = tokens[i + 1];
  const { start, end } = token;
  switch (token.type) {
    case tt.name: {
      if (source[start] !== '@') return null;
      const replacement = AT_TOKENS.get(source.slice(start + 1, end));
      return replacement === undefined ? null : { start, end, replacement };
    }
    case tt.privateId: {
      const isPrivateMember = isMemberAccess(tokens[i - 1]) || token.atClassBodyLevel || next?.type === tt._in;
      return isPrivateMember ? null : { start, end, replacement: tableReference(source.slice(start + 1, end)) };
    }
    case tt.modulo: {
      const isPackage =
        token.exprAllowed && next?.type === tt.name && next.start === end && source[next.start] !== '@';
      return isPackage ? { start, end: next.end, replacement: packageReference(source.slice(next.start, next.end)) } : null;
    }
    default:
      return null;
  }
}

/** Edits are in source order and never overlap. */
function applyEdits(source: string, edits: Edit[]): string {
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += source.slice(from, edit.start) + edit.replacement;
    from = edit.end;
  }
  return out + source.slice(from);
}
