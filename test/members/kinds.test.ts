/** The $ctx each script kind gets: the builders agree with shared/ctx-members.ts, and carry Enfyra's values. */
import { afterAll, describe, expect, it } from 'vitest';
import { contextForKind } from '../../runtime/members/kinds/for-kind.ts';
import { websocketConnectionContext } from '../../runtime/members/kinds/kinds.ts';
import { memberHasKind, CTX_MEMBERS, SCRIPT_KINDS } from '../../runtime/shared/ctx-members.ts';
import { membersSandbox } from './support.ts';

const DATA_MEMBERS = ['$body', '$query', '$params', '$user', '$req', '$api', '$flow', '$args', '$env', '$share'];

describe('$ctx per script kind', () => {
  const { sandbox, run } = membersSandbox([]);
  afterAll(() => sandbox.close());

  it.each(SCRIPT_KINDS)('%s has exactly the data members ctx-members.ts lists', async (kind) => {
    const data = contextForKind(kind, { body: { a: 1 } }, { MODE: 'test' }, { event: 'e', args: { id: 1 } });
    const outcome = await run(`return ${JSON.stringify(DATA_MEMBERS)}.filter((m) => $ctx[m] !== undefined);`, { kind, data });
    expect(outcome.error).toBeNull();
    const expected = DATA_MEMBERS.filter((name) => memberHasKind(CTX_MEMBERS.find((m) => m.name === name)!, kind));
    expect(outcome.data).toEqual(expected);
  });

  it("a flow step: $body is the payload, $user who triggered it, $flow with Enfyra's $meta", async () => {
    const data = contextForKind('flowStep', { body: { orderId: 5 }, user: { id: 2 } }, {});
    const outcome = await run('return { body: $ctx.$body, user: $ctx.$user, flow: $ctx.$flow, query: $ctx.$query, share: $ctx.$share };', { kind: 'flowStep', data });
    expect(outcome.data).toEqual({
      body: { orderId: 5 },
      user: { id: 2 },
      flow: { $payload: { orderId: 5 }, $last: null, $meta: { flowId: 'local', flowName: 'local', executionId: '1', depth: 0, startedAt: expect.any(String), currentStep: 'step' } },
      query: {},
      share: { $logs: [] },
    });
  });

  it('a websocket connection: the client info is $body and $data; $req says WS_CONNECT', async () => {
    const data = websocketConnectionContext({ gateway: '/chat', socketId: 'abc', user: { id: 9 }, headers: { 'x-a': '1' }, ip: '10.0.0.5' }, {});
    const outcome = await run('return { body: $ctx.$body, same: JSON.stringify($ctx.$data) === JSON.stringify($ctx.$body), req: $ctx.$req, api: $ctx.$api.request.method };', { kind: 'websocket', data });
    expect(outcome.data).toEqual({
      body: { id: 'abc', ip: '10.0.0.5', headers: { 'x-a': '1' }, auth: {} },
      same: true,
      req: { method: 'WS_CONNECT', url: '/chat', ip: '10.0.0.5', headers: { 'x-a': '1' }, user: { id: 9 } },
      api: 'WS_CONNECT',
    });
  });

  it('a websocket event and a GraphQL resolver', async () => {
    const ws = await run('return [$ctx.$req, $ctx.$api.request.url, $ctx.$data];', {
      kind: 'websocket',
      data: contextForKind('websocket', { url: '/chat', body: { t: 'hi' } }, {}, { event: 'say' }),
    });
    expect(ws.data).toEqual([{ method: 'WS_EVENT', url: '/chat', ip: null, headers: {}, user: null }, '/chat/say', { t: 'hi' }]);
    const gql = await run('return [$ctx.$args, $ctx.$user, $ctx.$api];', { kind: 'graphql', data: contextForKind('graphql', {}, {}, { args: { filter: { id: 1 } } }) });
    expect(gql.data).toEqual([{ filter: { id: 1 } }, null, null]);
  });
});
