/**
 * The chain's rules (runtime/context/chain.ts) with scripted outcomes in
 * place of the sandbox: what each script sees, what runs, and the result.
 * Sources: kernel executor.worker.js at c83d56d4 (545-720), HEAD's
 * executor-batch.spec.ts and throw-error-propagation.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { CHAIN_FIELDS, runChain, type Invoke } from '../../runtime/context/chain.ts';
import { RETURNED_FIELDS } from '../../runtime/sandbox/protocol.ts';
import { contextData } from '../../runtime/context/request.ts';
import type { ContextData, HookSource, InvocationError, InvocationOutcome } from '../../runtime/sandbox/invocation.ts';

type Script = (seen: ContextData) => Partial<InvocationOutcome>;

const hook = (filename: string): HookSource => ({ filename, code: `/* ${filename} */` });

/** Runs each hook's script in turn, recording the `$ctx` data it was given. */
function scripted(scripts: Record<string, Script>) {
  const seen: Array<{ file: string; data: ContextData }> = [];
  const invoke: Invoke = async (h, data) => {
    seen.push({ file: h.filename, data });
    const out = scripts[h.filename]!(data);
    return { ok: true, data: null, returned: false, error: null, logs: [], logEntries: [], warnings: [], effects: [], changed: {}, durationMs: 0, ...out } as InvocationOutcome;
  };
  return { invoke, seen, ran: () => seen.map((s) => s.file) };
}

const returns = (data: unknown): Partial<InvocationOutcome> => ({ data, returned: true });
const fails = (error: Partial<Omit<InvocationError, 'details'>> & { details?: unknown; position?: { line: number; column: number }; codeFrame?: string; code?: string }): Partial<InvocationOutcome> => ({
  ok: false,
  error: { statusCode: null, name: 'Error', message: 'boom', ...error } as unknown as InvocationError,
});

const request = () => contextData({ method: 'GET', url: '/orders?x=1', headers: { 'x-correlation-id': 'req_1_abc' } }, {});

describe('pre-hooks', () => {
  it('a value (null included) answers: the handler and the post-hooks do not run', async () => {
    const s = scripted({ 'pre.js': () => returns(null), 'h.js': () => returns(1), 'post.js': () => returns(2) });
    const { envelope } = await runChain(s.invoke, { pre: [hook('pre.js')], handler: hook('h.js'), post: [hook('post.js')] }, request());
    expect(s.ran()).toEqual(['pre.js']);
    expect(envelope).toMatchObject({ statusCode: 200, data: null, error: null });
  });

  it('an error answers with its own status and code: the handler and the post-hooks do not run', async () => {
    const s = scripted({ 'pre.js': () => fails({ statusCode: 403, name: 'AuthorizationException', message: 'no', code: 'AUTHORIZATION_ERROR' }), 'h.js': () => returns(1), 'post.js': () => ({}) });
    const { envelope } = await runChain(s.invoke, { pre: [hook('pre.js')], handler: hook('h.js'), post: [hook('post.js')] }, request());
    expect(s.ran()).toEqual(['pre.js']);
    expect(envelope.error).toEqual({ statusCode: 403, message: 'no', name: 'AuthorizationException', code: 'AUTHORIZATION_ERROR' });
  });

  it('an uncaught error names "preHook #k" and its line; the engine makes it a 400 SCRIPT_EXECUTION_ERROR', async () => {
    const s = scripted({
      'a.js': () => ({}),
      'b.js': () => fails({ name: 'ReferenceError', message: 'noSuchVar is not defined', position: { line: 2, column: 11 }, codeFrame: '> 2 | const y = noSuchVar;' }),
    });
    const { envelope } = await runChain(s.invoke, { pre: [hook('a.js'), hook('b.js')] }, request());
    expect(envelope.statusCode).toBe(400);
    expect(envelope.error).toEqual({
      statusCode: 400,
      name: 'ReferenceError',
      code: 'SCRIPT_EXECUTION_ERROR',
      message: 'Script execution failed: noSuchVar is not defined (preHook #2, line 2)',
      details: { scriptId: '(batch execution)', phase: 'preHook #2', line: 2, column: 11, codeFrame: '> 2 | const y = noSuchVar;' },
    });
  });
});

describe('handler and post-hooks', () => {
  it('$statusCode is 200 before the post-hooks and $data the handler value; each post-hook may replace $data', async () => {
    const s = scripted({ 'h.js': () => returns({ n: 1 }), 'p1.js': () => returns({ n: 2 }), 'p2.js': () => ({}) });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js'), post: [hook('p1.js'), hook('p2.js')] }, request());
    expect(s.seen[1]!.data).toMatchObject({ statusCode: 200, data: { n: 1 } });
    expect((s.seen[1]!.data.api as Record<string, unknown>).response).toBeUndefined();
    expect(s.seen[2]!.data.data).toEqual({ n: 2 });
    expect(envelope).toMatchObject({ statusCode: 200, data: { n: 2 }, error: null });
  });

  it('$data is undefined in the post-hooks when the handler returned nothing (even if it set $data)', async () => {
    const s = scripted({ 'h.js': () => ({ changed: { $data: { set: true } } }), 'p.js': () => ({ changed: { $data: null } }), 'p2.js': () => ({}) });
    await runChain(s.invoke, { handler: hook('h.js'), post: [hook('p.js'), hook('p2.js')] }, request());
    expect(s.seen[1]!.data.data).toBeUndefined();
    expect(s.seen[2]!.data.data).toBeUndefined();
  });

  it('after a handler error the post-hooks see $error, $api.error, $api.response, $data null and the error status; the error stands', async () => {
    const s = scripted({
      'h.js': () => fails({ statusCode: 422, name: 'ValidationException', message: 'bad input', details: { field: 'name' } }),
      'p.js': () => returns({ replaced: true }),
    });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js'), post: [hook('p.js')] }, request());
    const seen = s.seen[1]!.data;
    const info = { message: 'bad input', name: 'ValidationException', stack: expect.any(String), statusCode: 422, details: { field: 'name' }, timestamp: expect.any(String) };
    expect(seen).toMatchObject({ data: null, statusCode: 422, extra: { $error: info }, api: { error: info, response: { statusCode: 422, responseTime: expect.any(Number), timestamp: expect.any(String) } } });
    expect(envelope).toMatchObject({ statusCode: 422, data: null, error: { statusCode: 422, code: 'HTTP_ERROR', message: 'bad input', details: { field: 'name' } } });
  });

  it('an uncaught handler error: " (handler, line N)", 400 "Script execution failed" as HTTP_ERROR; the post-hooks see status 500', async () => {
    const s = scripted({
      'h.js': () => fails({ name: 'ReferenceError', message: 'missingValue is not defined', position: { line: 2, column: 16 } }),
      'p.js': () => ({}),
    });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js'), post: [hook('p.js')] }, request());
    expect(s.seen[1]!.data.statusCode).toBe(500);
    expect(envelope.error).toMatchObject({
      statusCode: 400,
      code: 'HTTP_ERROR',
      message: 'Script execution failed: missingValue is not defined (handler, line 2)',
      details: { scriptId: '(batch execution)', phase: 'handler', line: 2, column: 16 },
    });
  });

  it('a 5xx from a handler becomes a 400 ScriptExecutionException naming the handler; a timeout keeps 408 SCRIPT_TIMEOUT', async () => {
    const down = scripted({ 'h.js': () => fails({ statusCode: 503, message: 'down' }) });
    expect((await runChain(down.invoke, { handler: hook('h.js') }, request())).envelope.error).toMatchObject({
      statusCode: 400,
      code: 'SCRIPT_EXECUTION_ERROR',
      message: 'Script execution failed: down',
      details: { scriptId: '/* h.js */', method: 'GET', url: '/orders?x=1', isTableOperation: false },
    });
    const slow = scripted({ 'h.js': () => fails({ statusCode: 408, name: 'ScriptTimeoutException', code: 'SCRIPT_TIMEOUT', message: 'Script execution timed out after 300ms', limit: 'wall' }) });
    expect((await runChain(slow.invoke, { handler: hook('h.js') }, request())).envelope.error).toMatchObject({ statusCode: 408, code: 'SCRIPT_TIMEOUT', message: 'Script execution timed out after 300ms' });
  });

  it('a post-hook error is swallowed with a warning and a log line; the next post-hook runs', async () => {
    const s = scripted({ 'h.js': () => returns(1), 'bad.js': () => fails({ message: 'post boom', position: { line: 3, column: 1 } }), 'next.js': () => returns(2) });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js'), post: [hook('bad.js'), hook('next.js')] }, request());
    expect(s.ran()).toEqual(['h.js', 'bad.js', 'next.js']);
    expect(envelope).toMatchObject({ statusCode: 200, data: 2, error: null });
    expect(envelope.warnings).toEqual([expect.objectContaining({ code: 'chain.post-hook-error', file: 'bad.js', line: 3, message: expect.stringContaining('post boom (postHook #1, line 3)') })]);
    expect(envelope.logs).toEqual([expect.stringMatching(/^\[enfyra-run\] postHook #1 failed and was ignored/)]);
  });

  it('a success is 200 whatever $statusCode says, with a warning', async () => {
    const s = scripted({ 'h.js': () => ({ ...returns(1), changed: { $statusCode: 201 } }) });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js') }, request());
    expect(envelope.statusCode).toBe(200);
    expect(envelope.warnings.map((w) => w.code)).toEqual(['chain.status-code-ignored']);
  });
});

describe('fields a script changes', () => {
  it('every field the sandbox returns (protocol RETURNED_FIELDS) reaches the next pre-hook where the chain carries it, and no other data changes', async () => {
    const changed = Object.fromEntries(RETURNED_FIELDS.map((field) => [field, { changedBy: field }]));
    const s = scripted({ 'a.js': () => ({ changed }), 'b.js': () => ({}) });
    const before = request();
    await runChain(s.invoke, { pre: [hook('a.js'), hook('b.js')] }, before);
    const expected: Record<string, unknown> = { ...before };
    for (const field of RETURNED_FIELDS) {
      const key = CHAIN_FIELDS[field];
      if (key !== null) expected[key] = { changedBy: field };
    }
    expect(s.seen[1]!.data).toEqual(expected);
    // $flow is a flow step's (members/flows carries it), never a request chain's.
    expect(Object.entries(CHAIN_FIELDS).filter(([, key]) => key === null).map(([field]) => field)).toEqual(['$flow']);
  });
});

describe('the error body', () => {
  it('is Enfyra\'s exception filter body, with the request\'s path, method and correlation id', async () => {
    const s = scripted({ 'h.js': () => fails({ statusCode: 404, name: 'ResourceNotFoundException', message: 'Order 5 not found' }) });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js') }, request());
    expect(envelope.errorBody).toEqual({
      success: false,
      message: 'Order 5 not found',
      statusCode: 404,
      error: { code: 'HTTP_ERROR', message: 'Order 5 not found', details: null, timestamp: expect.any(String), path: '/orders?x=1', method: 'GET', correlationId: 'req_1_abc' },
    });
  });

  it('is absent for other script kinds, which keep the error\'s own status', async () => {
    const s = scripted({ 'h.js': () => fails({ statusCode: 503, message: 'down' }) });
    const { envelope } = await runChain(s.invoke, { handler: hook('h.js') }, request(), { http: false });
    expect(envelope.errorBody).toBeUndefined();
    expect(envelope.error).toMatchObject({ statusCode: 503, message: 'down' });
  });
});
