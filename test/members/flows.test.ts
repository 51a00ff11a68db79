/** Local flows: the file format, Enfyra's flow $ctx per step, $trigger from hooks and steps, flows.runTriggered. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { ConfigError } from '../../runtime/config/load.ts';
import { loadFlowFile } from '../../runtime/members/flows/format.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { bootstrapContext } from '../../runtime/members/kinds/kinds.ts';
import { testRuntime } from '../support/runtime.ts';

function flowsDir(flows: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-flows-'));
  for (const [name, flow] of Object.entries(flows)) writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(flow));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const FLOWS = {
  order: {
    id: 7,
    name: 'order-paid',
    steps: [
      { key: 'read', stepOrder: 1, type: 'script', sourceCode: 'return { id: $ctx.$flow.$payload.orderId, body: $ctx.$body.orderId, meta: $ctx.$flow.$meta.flowName, depth: $ctx.$flow.$meta.depth, step: $ctx.$flow.$meta.currentStep, user: $ctx.$user, req: $ctx.$req === undefined, query: $ctx.$query };' },
      { key: 'big', stepOrder: 2, type: 'condition', sourceCode: 'return $ctx.$flow.read.id > 100;' },
      { id: 31, key: 'vip', stepOrder: 3, type: 'script', parentId: 2, branch: 'true', file: 'steps/vip.js' },
      { id: 32, key: 'normal', stepOrder: 3, type: 'script', parentId: 2, branch: 'false', sourceCode: "return 'normal:' + $ctx.$flow.$last;" },
      { key: 'note', stepOrder: 4, type: 'log', config: { message: 'done' } },
      { key: 'off', stepOrder: 5, type: 'script', isEnabled: false, sourceCode: 'throw new Error("disabled steps never run")' },
    ],
  },
  failing: {
    name: 'failing',
    steps: [
      { key: 'soft', stepOrder: 1, type: 'script', onError: 'skip', sourceCode: "throw new Error('soft fail')" },
      { key: 'after', stepOrder: 2, type: 'script', sourceCode: 'return $ctx.$flow.$last;' },
      { key: 'hard', stepOrder: 3, type: 'script', sourceCode: "$ctx.$logs('about to fail'); throw new Error('hard fail')" },
      { key: 'never', stepOrder: 4, type: 'script', sourceCode: 'return 1' },
    ],
  },
  notify: {
    id: 9,
    name: 'notify',
    steps: [{ key: 'send', type: 'script', sourceCode: "await $ctx.$socket.emitToUser($ctx.$flow.$payload.userId, 'hello', { n: 1 }); return 'sent';" }],
  },
  chainA: { id: 20, name: 'chain-a', steps: [{ key: 'go', type: 'script', sourceCode: "return await $ctx.$trigger('chain-b', { from: 'a' });" }] },
  chainB: { id: 21, name: 'chain-b', steps: [{ key: 'back', type: 'trigger_flow', config: { flowName: 'chain-a' } }] },
  off: { id: 99, name: 'switched-off', isEnabled: false, steps: [] },
};

describe('flows', () => {
  let runtime: Runtime;
  let triggered: Runtime;
  let dir: string;

  beforeAll(async () => {
    dir = flowsDir(FLOWS, { 'steps/vip.js': "return 'vip:' + $ctx.$flow.$last;" });
    runtime = await testRuntime(new MemoryCacheDriver(), { flows: { dir } });
    triggered = await testRuntime(new MemoryCacheDriver(), { flows: { dir, runTriggered: true } });
  });
  afterAll(async () => {
    await runtime.close();
    await triggered.close();
  });

  it("runs steps in order with Enfyra's flow $ctx, branches on conditions, skips disabled steps", async () => {
    const run = await runtime.runFlow('order-paid', { orderId: 500 }, { user: { id: 3 } });
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    expect(run.context!.read).toEqual({ id: 500, body: 500, meta: 'order-paid', depth: 0, step: 'read', user: { id: 3 }, req: true, query: {} });
    expect(run.context!.big).toBe(true);
    expect(run.context!.vip).toBe('vip:true');
    expect(run.context!.normal).toBeUndefined();
    expect(run.context!.$last).toEqual({ logged: true, message: 'done' });
    expect(run.context!.$meta).toMatchObject({ flowId: 7, flowName: 'order-paid', executionId: run.executionId });
    expect(run.completedSteps).toEqual([
      { key: 'read', type: 'script' },
      { key: 'big', type: 'condition', branch: 'true' },
      { key: 'vip', type: 'script' },
      { key: 'note', type: 'log' },
    ]);
    expect(run.logs).toEqual(['done']);
    // Enfyra tells the triggering user how the run goes.
    expect(run.effects.map((e) => (e.data as { status: string }).status)).toEqual(['pending', 'running', 'completed']);

    const small = await runtime.runFlow(7, { orderId: 5 });
    expect(small.context!.normal).toBe('normal:false');
    expect(small.effects).toEqual([]);
  });

  it('onError skip records the error and goes on; a failing step stops the flow', async () => {
    const run = await runtime.runFlow('failing', {});
    expect(run.status).toBe('failed');
    expect(run.error).toContain('hard fail');
    expect(run.context!.soft).toEqual({ error: expect.stringContaining('soft fail'), skipped: true });
    expect(run.context!.after).toEqual({ error: expect.stringContaining('soft fail'), skipped: true });
    expect(run.context!.never).toBeUndefined();
    expect(run.logs).toEqual(['about to fail']);
  });

  it('an unknown flow fails the run the way the worker does', async () => {
    const run = await runtime.runFlow('nope', {});
    expect(run).toMatchObject({ status: 'failed', error: 'Flow nope not found' });
  });

  it('$trigger from a hook returns {jobId, flowId} and records the effect; only recorded without runTriggered', async () => {
    const envelope = await runtime.run(
      { source: "const a = await $ctx.$trigger('notify', { userId: 4 }); const b = await $ctx.$trigger(9); const c = await $ctx.$trigger('9'); return [a, b, c];" },
      {},
    );
    expect(envelope.error).toBeNull();
    const [a, b, c] = envelope.data as Array<{ jobId: string; flowId: number }>;
    expect(a).toEqual({ jobId: expect.stringMatching(/^\d+$/), flowId: 9 });
    expect(Number(b!.jobId)).toBe(Number(a!.jobId) + 1);
    expect(c!.flowId).toBe(9);
    expect(envelope.effects).toEqual([
      { type: 'trigger', flow: 'notify', flowId: 9, payload: { userId: 4 }, jobId: a!.jobId },
      { type: 'trigger', flow: 'notify', flowId: 9, payload: null, jobId: b!.jobId },
      { type: 'trigger', flow: 'notify', flowId: 9, payload: null, jobId: c!.jobId },
    ]);
  });

  it("unknown and disabled flows are Enfyra's not-found error; bootstrap scripts have no $trigger", async () => {
    const envelope = await runtime.run({ source: "const out = []; for (const f of ['ghost', 'switched-off', 99]) { try { await $ctx.$trigger(f); } catch (e) { out.push(e.message); } } return out;" });
    expect(envelope.data).toEqual(['Flow "ghost" not found', 'Flow "switched-off" not found', 'Flow "99" not found']);
    const boot = await runtime.runAs({ source: "await $ctx.$trigger('notify');" }, 'bootstrap', bootstrapContext({}));
    expect(boot.error).toMatchObject({ message: '$trigger is not available' });
  });

  it('with flows.runTriggered the flow runs after the hook and its effects join the result', async () => {
    const envelope = await triggered.run({ source: "return await $ctx.$trigger('notify', { userId: 4 });" }, { user: { id: 1 } });
    expect(envelope.error).toBeNull();
    expect(envelope.effects.map((e) => e.type)).toEqual(['trigger', 'flow.run', 'socket.emitToUser', 'socket.emitToUser', 'socket.emitToUser', 'socket.emitToUser']);
    expect(envelope.effects[1]).toMatchObject({ type: 'flow.run', flow: 'notify', status: 'completed', result: { send: 'sent' } });
    expect(envelope.effects).toContainEqual({ type: 'socket.emitToUser', userId: 4, event: 'hello', data: { n: 1 } });
  });

  it('$trigger inside a step returns {triggered, flowId, flowName}; a trigger loop is caught as circular', async () => {
    const run = await triggered.runFlow('chain-a', {});
    expect(run.status).toBe('completed');
    expect(run.context!.go).toEqual({ triggered: true, flowId: 21, flowName: 'chain-b' });
    expect(run.effects[0]).toMatchObject({ type: 'trigger', flow: 'chain-b', sourceFlow: 'chain-a', sourceStep: 'go' });
    const b = run.triggered[0]!;
    expect(b).toMatchObject({ flow: 'chain-b', status: 'completed' });
    expect(b.context!.back).toEqual({ triggered: true, flowId: 20, flowName: 'chain-a' });
    expect(b.context!.$meta.depth).toBe(1);
    expect(b.triggered[0]).toMatchObject({ flow: 'chain-a', status: 'failed', error: 'Circular flow detected: flow "chain-a" (20) already visited' });
  });
});

describe('flow file errors name the file and the field', () => {
  const one = (flow: unknown, files: Record<string, string> = {}) => {
    const dir = flowsDir({ f: flow }, files);
    return () => loadFlowFile(path.join(dir, 'f.json'));
  };

  it.each([
    [{ steps: [] }, /field "name"/],
    [{ name: 'x', steps: [{ key: 'a', type: 'script', sourceCode: '', bogus: 1 }] }, /field "steps.0"/],
    [{ name: 'x', steps: [{ key: 'a', type: 'nope' }] }, /field "steps.0.type"/],
    [{ name: 'x', steps: [{ key: 'a', type: 'http', config: { url: 'https://x' } }] }, /step "a": step type "http" is not supported/],
    [{ name: 'x', steps: [{ key: 'a', type: 'script' }, { key: 'a', type: 'script' }] }, /step "a": two steps have this key/],
    [{ name: 'x', steps: [{ key: 'a', type: 'script', file: 'missing.js' }] }, /step "a": cannot read .*missing\.js: ENOENT/],
    [{ name: 'x', steps: [{ key: 'a', type: 'script', file: 'a.js', sourceCode: 'return 1' }] }, /either sourceCode or file/],
    [{ name: 'x', steps: [{ key: 'a', type: 'script', parentId: 5, branch: 'true' }] }, /parentId 5 is not a condition step/],
    [{ name: 'x', steps: [{ key: 'a', type: 'script', parentId: 5 }] }, /parentId and branch go together/],
  ])('%j', (flow, message) => {
    const load = one(flow);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('a file that is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-flows-'));
    writeFileSync(path.join(dir, 'f.json'), '{ nope');
    expect(() => loadFlowFile(path.join(dir, 'f.json'))).toThrow(/flow .*f\.json: .*JSON/);
  });
});
