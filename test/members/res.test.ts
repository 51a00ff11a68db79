/** $res.stream in handlers: the body, status, mimetype, filename and byte count; Enfyra's errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { streamedBody } from '../../runtime/members/res/res-module.ts';
import { websocketEventContext } from '../../runtime/members/kinds/kinds.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { testRuntime } from '../support/runtime.ts';

describe('$res.stream', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime(new MemoryCacheDriver());
  });
  afterAll(() => runtime.close());

  it('records the stream and keeps the body out of the JSON envelope', async () => {
    const envelope = await runtime.run({
      source: `await $ctx.$res.stream(['id,name\\n', '1,Ada\\n', new Uint8Array([50, 44, 66, 10])], { mimetype: 'text/csv', filename: 'users "all".csv', statusCode: 201, headers: { 'x-count': 2, 'x-skip': null } });`,
    });
    expect(envelope.error).toBeNull();
    const streamed = streamedBody(envelope)!;
    expect(streamed.body.toString()).toBe('id,name\n1,Ada\n2,B\n');
    expect(JSON.parse(JSON.stringify(envelope.effects))).toEqual([
      { type: 'res.stream', statusCode: 201, mimetype: 'text/csv', filename: 'users _all_.csv', headers: { 'x-count': 2 }, bytes: 18 },
    ]);
    expect(envelope.warnings).toEqual([expect.objectContaining({ code: 'res.stream-source' })]);
  });

  it("a missing or non-stream source fails as in Enfyra; only handlers have $res; one stream per response", async () => {
    const envelope = await runtime.run({
      source: `
        const out = [];
        for (const s of [undefined, 0, 42, { a: 1 }]) { try { await $ctx.$res.stream(s); out.push('ok'); } catch (e) { out.push(e.name + ': ' + e.message); } }
        await $ctx.$res.stream('first');
        try { await $ctx.$res.stream('second'); } catch (e) { out.push(e.message); }
        return out;
      `,
    });
    expect(envelope.data).toEqual([
      'Error: @RES.stream requires a readable stream',
      'Error: @RES.stream requires a readable stream',
      expect.stringMatching(/^TypeError: The "readableStream" argument must be an instance of ReadableStream/),
      expect.stringMatching(/^TypeError: The "readableStream" argument must be an instance of ReadableStream/),
      'Cannot set headers after they are sent to the client',
    ]);
    const ws = await runtime.runAs({ source: "await $ctx.$res.stream('x');" }, 'websocket', websocketEventContext({ gateway: '/g', event: 'e' }, {}));
    expect(ws.error).toMatchObject({ name: 'TypeError', message: "Cannot read properties of undefined (reading 'stream')" });
  });
});
