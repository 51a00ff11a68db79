/**
 * Where Enfyra's template rewriter (modelled in enfyra-rules.ts) and ours
 * disagree, as static warnings with line and column: the script runs here as
 * written, and Enfyra would reject it or run something else.
 */
import { tokTypes as tt } from 'acorn';
import type { Warning } from '../shared/diagnostics.ts';
import type { LexedToken } from './lex.ts';
import { enfyraTemplateScan, type ScanState, type TemplateEdit } from './enfyra-rules.ts';
import { AT_TOKENS } from './tokens.ts';

export const TEMPLATE_WARNINGS = {
  /** `%` as the remainder operator: Enfyra rewrites it and rejects the script. */
  modulo: 'template.modulo',
  /** A private class member `#x`: Enfyra's `#table` rewrite breaks it. */
  privateField: 'template.private-field',
  /** `@TOKEN`, `#` or `%` inside a regex literal: Enfyra rewrites it. */
  tokenInRegex: 'template.token-in-regex',
  /** Any other spot where Enfyra's rewriter produces something else. */
  rewriterDiffers: 'template.rewriter-differs',
} as const;

const STATE_NAMES: Readonly<Record<Exclude<ScanState, 'code'>, string>> = {
  single: "a '…' string",
  double: 'a "…" string',
  template: 'template-literal text',
  'line-comment': 'a // comment',
  'block-comment': 'a /* comment',
};

export function templatePortabilityWarnings(source: string, tokens: readonly LexedToken[], ours: readonly TemplateEdit[]): Warning[] {
  const enfyra = enfyraTemplateScan(source, AT_TOKENS);
  const oursAt = new Map(ours.map((e) => [e.start, e]));
  const enfyraAt = new Map(enfyra.edits.map((e) => [e.start, e]));
  const skippedAt = new Map(enfyra.skipped.map((s) => [s.at, s]));
  const position = lineIndex(source);
  const warnings: Warning[] = [];
  const reported = new Set<string>();

  const starts = [...new Set([...oursAt.keys(), ...enfyraAt.keys()])].sort((a, b) => a - b);
  for (const start of starts) {
    const mine = oursAt.get(start);
    const theirs = enfyraAt.get(start);
    const end = Math.max(mine?.end ?? start + 1, theirs?.end ?? start + 1);
    const result = (edit: TemplateEdit | undefined) =>
      edit ? edit.replacement + source.slice(edit.end, end) : source.slice(start, end);
    const [here, there] = [result(mine), result(theirs)];
    if (here === there) continue;

    const written = source.slice(start, end);
    const token = tokenAt(tokens, start);
    let code: string = TEMPLATE_WARNINGS.rewriterDiffers;
    let message: string;
    if (theirs && !mine && (token?.type === tt.modulo || (token?.type === tt.assign && source.startsWith('%=', start)))) {
      code = TEMPLATE_WARNINGS.modulo;
      message =
        "`%` is the remainder operator here, but Enfyra's template rewriter turns every `%` into `$ctx.$pkgs.` " +
        '(`a % b` becomes `a $ctx.$pkgs. b`), so Enfyra rejects this script; compute it without `%`, e.g. `a - b * Math.trunc(a / b)`';
    } else if (theirs && !mine && token?.type === tt.privateId) {
      code = TEMPLATE_WARNINGS.privateField;
      message =
        `Enfyra's template rewriter turns every \`#name\` into \`$ctx.$repos.name\`, so the private member \`${source.slice(token.start, token.end)}\` ` +
        'breaks there; use a plain property or a variable in a closure';
    } else if (theirs && token?.type === tt.regexp) {
      code = TEMPLATE_WARNINGS.tokenInRegex;
      message =
        `Enfyra's template rewriter rewrites \`${written}\` inside this regular expression (to \`${there}\`), ` +
        "so the pattern is different there; build it with new RegExp('...') from a string";
    } else {
      const skipped = skippedAt.get(start);
      const why = skipped
        ? `it reads this as inside ${STATE_NAMES[skipped.state]} that it thinks begins at ${where(position, skipped.since)} ` +
          '(a quote or comment mark inside a regular expression, for instance)'
        : `enfyra-run reads this as ${describeToken(token)}`;
      message = `Enfyra's template rewriter makes \`${written}\` here \`${there}\` where enfyra-run has \`${here}\`: ${why}`;
    }
    const { line, column } = position(start);
    const id = `${code}:${line}`;
    if (reported.has(id)) continue;
    reported.add(id);
    warnings.push({ code, message, line, column });
  }
  return warnings;
}

function describeToken(token: LexedToken | undefined): string {
  if (!token) return 'outside code (a comment)';
  if (token.type === tt.string) return 'inside a string';
  if (token.type === tt.template) return 'template-literal text';
  return 'code';
}

/** The token covering `offset`, if any (comments and white space are between tokens). */
function tokenAt(tokens: readonly LexedToken[], offset: number): LexedToken | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const token = tokens[mid]!;
    if (offset < token.start) hi = mid - 1;
    else if (offset >= token.end) lo = mid + 1;
    else return token;
  }
  return undefined;
}

type Position = (offset: number) => { line: number; column: number };

/** 1-based line and column of an offset. */
function lineIndex(source: string): Position {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

function where(position: Position, offset: number): string {
  const { line, column } = position(offset);
  return `${line}:${column}`;
}
