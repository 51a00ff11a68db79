/**
 * Hooks run on Node 24's V8, as in Enfyra 2.2: the built-ins Node 20 lacked are there, and the frozen shared
 * realm (SES lockdown) keeps them, giving the values Node 24 itself gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxSchema } from '../../runtime/config/schema.ts';
import { contextData } from '../../runtime/context/request.ts';
import { Sandbox } from '../../runtime/sandbox/sandbox.ts';

const sandbox = new Sandbox(sandboxSchema.parse({}), []);
afterAll(() => sandbox.close());

// The same function body runs in the isolate (as a hook) and here in Node; both results go through JSON.
const PROBE = `
  const grouped = Object.groupBy([1, 2, 3], (x) => (x % 2 ? 'odd' : 'even'));
  const mapGrouped = [...Map.groupBy([1, 2, 3], (x) => x > 1)];
  const { promise, resolve } = Promise.withResolvers();
  resolve('resolved');
  const fromAsync = await Array.fromAsync((async function* () { yield 1; yield 2; })());
  const doubled = Iterator.from([1, 2, 3]).map((x) => x * 2).toArray();
  const union = [...new Set([1]).union(new Set([2]))];
  const intersection = [...new Set([1, 2]).intersection(new Set([2, 3]))];
  const vFlag = /[\\p{L}--[a-z]]/v.test('Z');
  return { grouped, mapGrouped, withResolvers: await promise, fromAsync, doubled, union, intersection, vFlag };
`;

describe('Node 24 built-ins inside the sandbox', () => {
  it('Object.groupBy, Map.groupBy, Promise.withResolvers, Array.fromAsync, iterator helpers, Set methods, the v flag', async () => {
    const outcome = await sandbox.invoke({ filename: 'hooks/node24.js', code: PROBE }, contextData({}, {}));
    expect(outcome.error).toBeNull();
    const inNode = await new Function(`return (async () => {${PROBE}})()`)();
    expect(outcome.data).toEqual(JSON.parse(JSON.stringify(inNode)));
    expect(outcome.data).toMatchObject({ grouped: { odd: [1, 3], even: [2] }, doubled: [2, 4, 6], union: [1, 2], vFlag: true });
  });
});
