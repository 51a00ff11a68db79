/**
 * acorn's lexer over a script, with the lexical context the template rewrite
 * needs: whether an expression may start at each token, and whether a token
 * sits directly in a class body. Strings, template text, regexes and comments
 * come out as single tokens (or not at all), so nothing inside them is ever
 * looked at.
 */
import { tokenizer, tokTypes as tt, type Token, type TokenType } from 'acorn';

export interface LexedToken {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
  /** An expression may start here (false right after an operand: `a %b` is modulo). */
  readonly exprAllowed: boolean;
  /** Directly in a class body, where `#name` declares a private member. */
  readonly atClassBodyLevel: boolean;
}

/** acorn's tokenizer is a Parser; its `exprAllowed` is what decides regex vs division. */
interface Lexer {
  getToken(): Token;
  exprAllowed: boolean;
}

const OPTIONS = {
  ecmaVersion: 'latest',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowHashBang: true,
} as const;

const OPENERS = new Set<TokenType>([tt.braceL, tt.dollarBraceL, tt.parenL, tt.bracketL]);
const CLOSERS = new Set<TokenType>([tt.braceR, tt.parenR, tt.bracketR]);
/** What may follow `class` in a class head; anything else (`{ class: 1 }`, `obj.class`) is a property name. */
const CLASS_HEAD = new Set<TokenType>([tt.name, tt._extends, tt.braceL]);

export function isMemberAccess(token: LexedToken | undefined): boolean {
  return token?.type === tt.dot || token?.type === tt.questionDot;
}

/**
 * Tokens up to the end of the source, or up to the first lexical error (the
 * compiler reports that error later; everything before it is still usable).
 */
export function lex(source: string): LexedToken[] {
  const lexer = tokenizer(source, OPTIONS) as unknown as Lexer;
  const tokens: LexedToken[] = [];
  const brackets: Array<'class' | 'other'> = [];
  // Bracket depths at which a `class` keyword waits for its body's `{`.
  const pendingClassBodies: number[] = [];
  let classKeywordJustSeen = false;

  for (;;) {
    const exprAllowed = lexer.exprAllowed;
    let token: Token;
    try {
      token = lexer.getToken();
    } catch (err) {
      if (err instanceof SyntaxError) break;
      throw err;
    }
    if (token.type === tt.eof) break;

    const prev = tokens.at(-1);
    tokens.push({
      type: token.type,
      start: token.start,
      end: token.end,
      exprAllowed,
      atClassBodyLevel: brackets.at(-1) === 'class',
    });

    if (classKeywordJustSeen && !CLASS_HEAD.has(token.type)) pendingClassBodies.pop();
    classKeywordJustSeen = token.type === tt._class && !isMemberAccess(prev);
    if (classKeywordJustSeen) pendingClassBodies.push(brackets.length);

    if (OPENERS.has(token.type)) {
      const opensClassBody = token.type === tt.braceL && pendingClassBodies.at(-1) === brackets.length;
      if (opensClassBody) pendingClassBodies.pop();
      brackets.push(opensClassBody ? 'class' : 'other');
    } else if (CLOSERS.has(token.type)) {
      brackets.pop();
      while ((pendingClassBodies.at(-1) ?? -1) > brackets.length) pendingClassBodies.pop();
    }

    // In tokenizer mode acorn takes `await` for a plain name (an operand), which
    // would make `await /re/` a division and `await %pkg` a modulo. Scripts are
    // async function bodies, so it is always the operator.
    if (token.type === tt.name && source.slice(token.start, token.end) === 'await' && !isMemberAccess(prev)) {
      lexer.exprAllowed = true;
    }
  }
  return tokens;
}
