/**
 * The docs hang together: every page under docs/ is reachable from README.md by links, and every relative link
 * (and its #anchor) points at a file and heading that exist. Anchors are GitHub's: the heading's text in lower
 * case, punctuation dropped, spaces as hyphens, `-1`, `-2`… for repeats.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';

function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function walk(tokens: readonly Token[], visit: (t: Token) => void): void {
  for (const t of tokens) {
    visit(t);
    const nested = t as { tokens?: Token[]; items?: Token[]; header?: Array<{ tokens: Token[] }>; rows?: Array<Array<{ tokens: Token[] }>> };
    if (nested.tokens) walk(nested.tokens, visit);
    if (nested.items) walk(nested.items, visit);
    for (const cell of nested.header ?? []) walk(cell.tokens, visit);
    for (const row of nested.rows ?? []) for (const cell of row) walk(cell.tokens, visit);
  }
}

interface Page {
  anchors: Set<string>;
  links: string[];
}

const pages = new Map<string, Page>();
function page(file: string): Page {
  let p = pages.get(file);
  if (p) return p;
  const tokens = lexer(readFileSync(file, 'utf8'));
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const links: string[] = [];
  walk(tokens, (t) => {
    if (t.type === 'heading') {
      const base = slug((t as Tokens.Heading).text.replace(/`/g, ''));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    if (t.type === 'link') links.push((t as Tokens.Link).href);
  });
  p = { anchors, links };
  pages.set(file, p);
  return p;
}

const isLocal = (href: string) => !/^[a-z]+:/i.test(href);

function markdownFiles(): string[] {
  const docs = path.join(PROJECT_ROOT, 'docs');
  return [
    path.join(PROJECT_ROOT, 'README.md'),
    path.join(PROJECT_ROOT, 'CONTRIBUTING.md'),
    ...readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => path.join(docs, f)),
  ];
}

describe('links between the docs', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('`$ctx.$helpers`')).toBe('ctxhelpers');
    expect(slug('Updating expectations: `--update`'.replace(/`/g, ''))).toBe('updating-expectations---update');
    expect(slug("What a Redis lock guarantees, and what it does not")).toBe('what-a-redis-lock-guarantees-and-what-it-does-not');
  });

  it('every relative link points at a file that exists, and its anchor at a heading', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const href of page(file).links.filter(isLocal)) {
        const [target, anchor] = href.split('#') as [string, string | undefined];
        const resolved = target ? path.resolve(path.dirname(file), decodeURIComponent(target)) : file;
        const where = `${path.relative(PROJECT_ROOT, file)}: ${href}`;
        if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !page(resolved).anchors.has(anchor)) broken.push(`${where} (no such heading)`);
        else if (anchor && !resolved.endsWith('.md')) broken.push(`${where} (an anchor into a file that is not a page)`);
        else if (!anchor && statSync(resolved).isDirectory()) broken.push(`${where} (a folder: link its README.md)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every page under docs/ is reachable from README.md', () => {
    const reached = new Set<string>();
    const queue = [path.join(PROJECT_ROOT, 'README.md')];
    while (queue.length) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const href of page(file).links.filter(isLocal)) {
        const target = href.split('#')[0]!;
        const resolved = target ? path.resolve(path.dirname(file), decodeURIComponent(target)) : file;
        if (resolved.endsWith('.md') && existsSync(resolved)) queue.push(resolved);
      }
    }
    const unreached = markdownFiles().filter((f) => !reached.has(f)).map((f) => path.relative(PROJECT_ROOT, f));
    expect(unreached).toEqual([]);
  });
});
