/**
 * Code blocks of the docs, read so that a test can execute them (docs must not go stale).
 *
 * The info string after the fence says what a block is for:
 *   ```sh                 commands: each `enfyra-run …` line runs in a scratch copy of the project
 *                         (`  # exit 1` at the end of a line: the exit code it must give; default 0)
 *   ```js hook [args="--params id=1"] [status=404]
 *                         a hook: run with `enfyra-run <it> --json`; the status must match (default: below 400)
 *   ```js file=hooks/x.js a file the later blocks of the same page use (hooks, routes, fixtures, config)
 *   ```js api             a program using the package API: run with node (`from 'enfyra-run'` → the source)
 *   ```json output        output shown to the reader: not executed
 *   ```js norun="why"     shown but not run, with the reason (kept rare; a test lists them)
 */
import { readFileSync } from 'node:fs';
import { lexer, type Tokens } from 'marked';

export interface Snippet {
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly attrs: Readonly<Record<string, string | true>>;
  readonly text: string;
}

export const CODE_LANGS = new Set(['js', 'javascript', 'ts', 'typescript', 'mjs']);
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

export function readSnippets(file: string, displayName = file): Snippet[] {
  const source = readFileSync(file, 'utf8');
  const snippets: Snippet[] = [];
  let searchFrom = 0;
  for (const token of walk(lexer(source))) {
    const at = source.indexOf(token.raw, searchFrom);
    searchFrom = at >= 0 ? at + token.raw.length : searchFrom;
    const line = at >= 0 ? source.slice(0, at).split('\n').length : 0;
    const [lang = '', ...rest] = (token.lang ?? '').trim().split(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    snippets.push({ doc: displayName, line, lang: lang.toLowerCase(), attrs: parseAttrs(rest), text: token.text });
  }
  return snippets;
}

function* walk(tokens: readonly unknown[]): Generator<Tokens.Code> {
  for (const token of tokens as Array<{ type: string; tokens?: unknown[]; items?: unknown[] }>) {
    if (token.type === 'code') yield token as unknown as Tokens.Code;
    if (token.tokens) yield* walk(token.tokens);
    if (token.items) yield* walk(token.items);
  }
}

function parseAttrs(words: string[]): Record<string, string | true> {
  const attrs: Record<string, string | true> = {};
  for (const word of words) {
    const m = /^([\w-]+)(?:=(?:"([^"]*)"|(\S*)))?$/.exec(word);
    if (!m) throw new Error(`cannot read code-block attribute "${word}"`);
    attrs[m[1]!] = m[2] ?? m[3] ?? true;
  }
  return attrs;
}

export interface ShellCommand {
  readonly line: number;
  readonly text: string;
  /** The exit code the docs promise (a trailing `# exit N`), 0 by default. */
  readonly exit: number;
}

/** The commands of a shell block, joined across `\` continuations, comments and prompts removed. */
export function shellCommands(snippet: Snippet): ShellCommand[] {
  const out: ShellCommand[] = [];
  const lines = snippet.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + ' ' + lines[++i]!.trim();
    text = text.replace(/^\s*\$\s+/, '').trim();
    if (!text || text.startsWith('#')) continue;
    const exit = /\s{2,}#\s*exit\s+(\d+)\s*$/.exec(text);
    out.push({
      line: snippet.line + 1 + start,
      // A comment after a command needs two spaces before its `#` (a `#` inside a command stays).
      text: exit ? text.slice(0, exit.index).trim() : text.replace(/\s{2,}#.*$/, '').trim(),
      exit: exit ? Number(exit[1]) : 0,
    });
  }
  return out;
}
