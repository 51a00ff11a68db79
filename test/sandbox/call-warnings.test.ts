/**
 * A warning a host method raises names the line of the script where the call was made: the host marks the
 * reply, the isolate answers with the call's stack, the host reads the hook's frame from it (mapped back to
 * the script as written), whether the method raised it before or after an await.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { contextData } from '../../runtime/context/request.ts';
import { compileScript } from '../../runtime/compile/compile.ts';
import { testSandbox } from '../support/sandbox.ts';

const { sandbox, run } = testSandbox();
afterAll(() => sandbox.close());

const placed = (warnings: ReadonlyArray<{ message: string; line?: number; column?: number }>) =>
  warnings.map((w) => [w.message, w.line ?? null]);

describe('warnings raised by host calls', () => {
  it('name the line of the async call that raised them, each its own', async () => {
    const r = await run([`const a = 1;`, `await $ctx.$test.warn('first');`, ``, `  await $ctx.$test.echo(2);`, `await $ctx.$test.warn('second'); return a;`].join('\n'));
    expect(r.ok).toBe(true);
    expect(placed(r.warnings)).toEqual([['first', 2], ['second', 5]]);
    expect(r.warnings[0]).toMatchObject({ code: 'test.warned', file: 'hooks/test.js', column: expect.any(Number) });
  });

  it('name the line of a sync call', async () => {
    const r = await run(`let x = 0;\nx = $ctx.$test.warnSync('now');\nreturn x;`);
    expect(placed(r.warnings)).toEqual([['now', 2]]);
  });

  it('calls in flight together each get their own line', async () => {
    const r = await run(`await Promise.all([\n  $ctx.$test.warn('a'),\n  $ctx.$test.echo(0),\n  $ctx.$test.warn('b'),\n]);`);
    expect(placed(r.warnings).sort()).toEqual([['a', 2], ['b', 4]]);
  });

  it('a call made from a function of the script names the line inside that function', async () => {
    const r = await run(`async function store(v) {\n  return $ctx.$test.warn(v);\n}\nawait store('x');`);
    expect(placed(r.warnings)).toEqual([['x', 2]]);
  });

  it('a warning raised after the method awaited still names its call, with calls in flight together', async () => {
    const r = await run(`await Promise.all([\n  $ctx.$test.warnLater('late'),\n  $ctx.$test.warn('now'),\n]);`);
    expect(placed(r.warnings).sort()).toEqual([['late', 2], ['now', 3]]);
  });

  it('lines are those of the script as written when it is TypeScript', async () => {
    const hook = compileScript(`interface Row {\n  id: number;\n}\nconst row: Row = { id: 1 };\nawait $ctx.$test.warn(String(row.id));`, { filename: 'hooks/typed.ts' });
    const r = await sandbox.invoke(hook, contextData({}, {}));
    expect(r.ok).toBe(true);
    expect(placed(r.warnings)).toEqual([['1', 5]]);
  });
});
