/**
 * docs/parity.md lists every warning code the runtime emits, and only those: a new trap warning without a line
 * in the table, or a documented code the runtime no longer has, fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';

const CODE = String.raw`'([a-z]+\.[a-z][a-z-]*)'`;
/** `warn(code, …)`, `warnOnce(sink, code, …)`, `{ code: '…' }`, and the code tables in warnings.ts / portability.ts. */
const EMITTED = [new RegExp(String.raw`\bwarn(?:Once)?\(\s*(?:[\w.]+,\s*)?${CODE}`, 'g'), new RegExp(String.raw`\bcode: ${CODE}`, 'g')];
const TABLE_ENTRY = new RegExp(String.raw`^\s+\w+: ${CODE},`, 'gm');

function emittedCodes(files: ReadonlyArray<{ name: string; text: string }>): Set<string> {
  const codes = new Set<string>();
  for (const { name, text } of files) {
    const patterns = /(?:^|\/)(warnings|portability)\.ts$/.test(name) ? [...EMITTED, TABLE_ENTRY] : EMITTED;
    for (const re of patterns) for (const m of text.matchAll(re)) codes.add(m[1]!);
  }
  return codes;
}

function runtimeFiles() {
  const root = path.join(PROJECT_ROOT, 'runtime');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ name: f.split(path.sep).join('/'), text: readFileSync(path.join(root, f), 'utf8') }));
}

/** Codes in the first column of docs/parity.md's tables. */
function documentedCodes(): Set<string> {
  const page = readFileSync(path.join(PROJECT_ROOT, 'docs/parity.md'), 'utf8');
  return new Set([...page.matchAll(/^\| `([a-z]+\.[a-z][a-z-]*)` \|/gm)].map((m) => m[1]!));
}

describe('warning codes in docs/parity.md', () => {
  const emitted = emittedCodes(runtimeFiles());

  it('finds the codes the runtime emits (so the comparison below can fail)', () => {
    expect(emitted).toContain('cache.set-without-ttl');
    expect(emitted).toContain('repos.where-ignored');
    expect(emitted).toContain('template.modulo');
    expect(emitted).toContain('env.hidden');
    expect(emittedCodes([{ name: 'x/y.ts', text: "scope.warn(\n  'new.trap-code',\n  'message')" }])).toEqual(new Set(['new.trap-code']));
  });

  it('documents every code the runtime emits, and no other', () => {
    const documented = documentedCodes();
    expect([...emitted].filter((c) => !documented.has(c)).sort(), 'emitted but not in docs/parity.md').toEqual([]);
    expect([...documented].filter((c) => !emitted.has(c)).sort(), 'in docs/parity.md but never emitted').toEqual([]);
  });
});
