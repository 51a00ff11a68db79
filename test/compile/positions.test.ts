/**
 * originalPosition: a place in the executable code → the same place in the
 * source as written, through the template rewrite and the TS transpile.
 * Checked against positions V8 itself reports for errors thrown by the code.
 */
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { compileScript } from '../../runtime/compile/compile.ts';
import { codeFrame } from '../../runtime/compile/code-frame.ts';
import type { CompiledHook } from '../../runtime/compile/hook-source.ts';
import { alignLine, templateColumnMapper } from '../../runtime/compile/template-positions.ts';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';

/** 1-based line and column of the first `needle` in `text` (after `nth - 1` earlier ones). */
function find(text: string, needle: string, nth = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) index = text.indexOf(needle, index + 1);
  if (index === -1) throw new Error(`not found: ${needle}`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** Runs the code the way a sandbox wraps it and returns where V8 says the error was thrown, in code coordinates. */
async function thrownAt(hook: CompiledHook, ctx: unknown): Promise<{ line: number; column: number; message: string }> {
  const script = new vm.Script(`(async function ($ctx) {\n${hook.code}\n})`, { filename: 'hook.js', lineOffset: -1 });
  const fn = script.runInNewContext({}) as (ctx: unknown) => Promise<unknown>;
  try {
    await fn(ctx);
  } catch (err) {
    const where = /hook\.js:(\d+):(\d+)/.exec((err as Error).stack ?? '');
    if (!where) throw new Error(`no position in ${(err as Error).stack}`);
    return { line: Number(where[1]), column: Number(where[2]), message: (err as Error).message };
  }
  throw new Error('the code did not throw');
}

const MULTI_LINE_TS = `interface Order {
  id: number;
  lines: Array<{ sku: string; qty: number }>;
}

enum Status { Open = 'open', Shipped = 'shipped' }

/** Totals an order. */
function total<T extends Order>(order: T): number {
  return order.lines.reduce((sum: number, l) => sum + l.qty, 0);
}

const order = { id: Number(@PARAMS.id), lines: [] } satisfies Order;
const status: Status = @BODY.shipped ? Status.Shipped : Status.Open;
if (status === Status.Open) {
  const owner = @USER.profile.name as string;
  return { owner };
}
return { total: total<Order>(order), first: (#orders as any).first.sku };
`;

describe('originalPosition through the template rewrite and the TS transpile', () => {
  it('maps the position V8 reports for an error on a multi-line TS script to the source as written', async () => {
    const hook = compileScript(MULTI_LINE_TS, { filename: 'hooks/order.ts' });
    const ctx = { $params: { id: '1' }, $body: { shipped: false }, $user: {}, $repos: {} };
    const at = await thrownAt(hook, ctx);
    expect(at.message).toMatch(/Cannot read properties of undefined \(reading 'name'\)/);
    expect(hook.originalPosition(at.line, at.column)).toEqual(find(MULTI_LINE_TS, 'name as string')); // V8 points at the property read
  });

  it('maps a second error further down (after enums and a removed interface shifted the lines)', async () => {
    const hook = compileScript(MULTI_LINE_TS, { filename: 'hooks/order.ts' });
    const ctx = { $params: { id: '1' }, $body: { shipped: true }, $user: {}, $repos: { orders: {} } };
    const at = await thrownAt(hook, ctx);
    expect(at.message).toMatch(/reading 'sku'/);
    expect(hook.originalPosition(at.line, at.column)).toEqual(find(MULTI_LINE_TS, 'sku };'));
  });

  it('maps every token of the code to its place in the source', () => {
    const hook = compileScript(MULTI_LINE_TS, { filename: 'hooks/order.ts' });
    for (const [inCode, inSource] of [
      ['$ctx.$params.id', '@PARAMS.id'],
      ['$ctx.$body.shipped', '@BODY.shipped'],
      ['Status.Shipped :', 'Status.Shipped :'],
      ['$ctx.$repos.orders', '#orders'],
      ['.first.sku', '.first.sku'],
      ['reduce(', 'reduce('],
    ] as const) {
      const c = find(hook.code, inCode);
      expect([inCode, hook.originalPosition(c.line, c.column)]).toEqual([inCode, find(MULTI_LINE_TS, inSource)]);
    }
  });

  it('maps positions in JavaScript through the template rewrite only (lines stay, columns shift back)', async () => {
    const source = 'const a = 1;\n@LOGS(#users.name, @USER.missing.deep);\n';
    const hook = compileScript(source, { filename: 'hooks/a.js' });
    const at = await thrownAt(hook, { $logs: () => {}, $repos: { users: {} }, $user: {} });
    expect(hook.originalPosition(at.line, at.column)).toEqual(find(source, 'deep'));
  });

  it('clamps positions outside the code to the source', () => {
    const hook = compileScript('const a: number = 1;\nreturn a;', { filename: 'x.ts' });
    expect(hook.originalPosition(99, 99)).toEqual({ line: 2, column: 10 });
    expect(hook.originalPosition(0, 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('template column alignment', () => {
  const mapped = (source: string, needle: string) => {
    const rewritten = rewriteTemplateSyntax(source).code;
    const map = templateColumnMapper(source, rewritten);
    const at = find(rewritten, needle);
    return map(at.line, at.column - 1) + 1;
  };

  it.each([
    ['after a token whose replacement contains what follows it', '@USER.c + 1', '.c + 1', 6],
    ['a table name repeated in its own member', 'x = #x.x.y;', '.y;', 9],
    ['a status token', "@THROW404('gone', #items.id)", "'gone'", 11],
    ['tokens inside a string are text', "@LOGS('@USER', @USER.id)", '.id)', 21],
    ['a package', 'const l = %lodash.chunk([1], 1);', '.chunk', 18],
    ['modulo is kept', 'const r = @PARAMS.n % 2 + @BODY.x;', '.x;', 32],
    ['private fields are kept', 'class A { #n = 1; get n() { return this.#n + #t.k; } }', '.k;', 48],
  ])('%s', (_label, source, needle, column) => {
    expect(mapped(source, needle)).toBe(column);
  });

  it('a column inside a replacement maps to the start of the token it replaced', () => {
    const source = 'return @USER;';
    const map = templateColumnMapper(source, rewriteTemplateSyntax(source).code);
    for (let c = 7; c < 7 + '$ctx.$user'.length; c++) expect(map(1, c)).toBe(7);
  });

  it('stops aligning at text that is not a rewrite, and carries on column for column', () => {
    expect(alignLine('abc', 'abX')).toEqual([{ out: 0, src: 0, replaced: false }]);
  });
});

describe('codeFrame', () => {
  const source = 'line one\nline two\nconst x = ;\nline four\nline five\nline six';

  it('shows two lines around the position and puts the marker under the column', () => {
    const frame = codeFrame(source, 3, 11);
    expect(frame.split('\n')).toEqual([
      '  1 | line one',
      '  2 | line two',
      '> 3 | const x = ;',
      '    |           ^',
      '  4 | line four',
      '  5 | line five',
    ]);
  });

  it('marks the line only without a column, and is empty outside the source', () => {
    expect(codeFrame(source, 1, 0)).toBe('> 1 | line one\n  2 | line two\n  3 | const x = ;');
    expect(codeFrame(source, 7, 1)).toBe('');
    expect(codeFrame(source, 0, 1)).toBe('');
  });
});
