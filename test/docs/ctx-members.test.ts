/** The member table of docs/hooks-and-ctx.md names every `$ctx` member of the manifest, and no other. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CTX_MEMBERS } from '../../runtime/shared/ctx-members.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

function documentedMembers(): string[] {
  const page = readFileSync(path.join(PROJECT_ROOT, 'docs/hooks-and-ctx.md'), 'utf8');
  const section = page.split(/^## The members$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('| `$'));
  const names = new Set<string>();
  for (const row of rows) {
    // The first cell; `\|` inside it (as in $throw['400'\|'401']) is not a column break.
    const cell = row.slice(1).split(/(?<!\\)\|/)[0]!;
    for (const m of cell.matchAll(/`(\$[A-Za-z]+)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('docs/hooks-and-ctx.md, "The members"', () => {
  it('lists exactly the members of runtime/shared/ctx-members.ts', () => {
    const documented = documentedMembers();
    expect(documented.length).toBeGreaterThan(10);
    expect(documented).toEqual(CTX_MEMBERS.map((m) => m.name).sort());
  });
});
