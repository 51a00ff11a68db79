/** $ctx.$socket through the sandbox: recorded emits, Enfyra's return values and errors, per script kind. */
import { afterAll, describe, expect, it } from 'vitest';
import { createSocketModule } from '../../runtime/members/socket/socket-module.ts';
import { websocketEventContext } from '../../runtime/members/kinds/kinds.ts';
import { membersSandbox } from './support.ts';

describe('$socket', () => {
  const { sandbox, run } = membersSandbox([createSocketModule()]);
  afterAll(() => sandbox.close());

  it('records HTTP emits with Enfyra argument shapes and resolves to undefined', async () => {
    const outcome = await run(`
      const a = await $ctx.$socket.emitToUser(7, 'order:paid', { id: 42 });
      await $ctx.$socket.emitToRoom('/admin', 'admins', 'order:paid', { id: 42 });
      await $ctx.$socket.emitToGateway('/chat', 'notice', 'hi');
      await $ctx.$socket.broadcast('tick', [1, 2]);
      const size = await $ctx.$socket.roomSize('admins');
      return { a: a === undefined, size };
    `);
    expect(outcome.error).toBeNull();
    expect(outcome.data).toEqual({ a: true, size: 0 });
    expect(outcome.effects).toEqual([
      { type: 'socket.emitToUser', userId: 7, event: 'order:paid', data: { id: 42 } },
      { type: 'socket.emitToRoom', gateway: '/admin', room: 'admins', event: 'order:paid', data: { id: 42 } },
      { type: 'socket.emitToGateway', gateway: '/chat', event: 'notice', data: 'hi' },
      { type: 'socket.broadcast', event: 'tick', data: [1, 2] },
      { type: 'socket.roomSize', room: 'admins', result: 0 },
    ]);
  });

  it('bound methods are missing outside a websocket handler, with Enfyra\'s message', async () => {
    const outcome = await run(`
      const out = [];
      for (const m of ['join', 'leave', 'reply', 'emitToCurrentRoom', 'broadcastToRoom', 'disconnect']) {
        try { await $ctx.$socket[m]('x', 'y', 'z'); out.push('ok'); } catch (e) { out.push(e.message); }
      }
      return out;
    `);
    expect(outcome.data).toEqual([
      'Socket method not found: join',
      'Socket method not found: leave',
      'Socket method not found: reply',
      'Socket method not found: emitToCurrentRoom',
      'Socket method not found: broadcastToRoom',
      'Socket method not found: disconnect',
    ]);
    expect(outcome.effects).toEqual([]);
  });

  it('a bootstrap script has no $socket methods at all', async () => {
    const outcome = await run(`await $ctx.$socket.emitToUser(1, 'e', {});`, { kind: 'bootstrap' });
    expect(outcome.error).toMatchObject({ name: 'Error', message: 'Socket method not found: emitToUser' });
  });

  it('reserved Socket.IO event names throw as Socket.IO does; room emits drop them with a warning', async () => {
    const outcome = await run(`
      const out = [];
      try { await $ctx.$socket.emitToUser(1, 'disconnect', {}); } catch (e) { out.push(e.message); }
      try { await $ctx.$socket.broadcast('connect', {}); } catch (e) { out.push(e.message); }
      await $ctx.$socket.emitToRoom('/g', 'r', 'newListener', {});
      return out;
    `);
    expect(outcome.data).toEqual(['"disconnect" is a reserved event name', '"connect" is a reserved event name']);
    expect(outcome.effects).toEqual([]);
    expect(outcome.warnings).toEqual([expect.objectContaining({ code: 'socket.reserved-event-dropped' })]);
  });

  it('a websocket handler gets the bound proxy: join, reply and roomSize of its own rooms', async () => {
    const data = websocketEventContext({ gateway: '/chat', event: 'message', payload: { text: 'hi' }, user: { id: 5 } }, {});
    const outcome = await run(
      `
      await $ctx.$socket.join('lobby');
      const inLobby = await $ctx.$socket.roomSize('lobby');
      const inOwn = await $ctx.$socket.roomSize('user_5');
      await $ctx.$socket.reply('ack', { got: $ctx.$body.text });
      await $ctx.$socket.broadcastToRoom('lobby', 'said', 'hi');
      await $ctx.$socket.leave('lobby');
      await $ctx.$socket.disconnect();
      return { inLobby, inOwn, after: await $ctx.$socket.roomSize('lobby') };
    `,
      { kind: 'websocket', data },
    );
    expect(outcome.error).toBeNull();
    expect(outcome.data).toEqual({ inLobby: 1, inOwn: 1, after: 0 });
    expect(outcome.effects.map((e) => e.type)).toEqual([
      'socket.join',
      'socket.roomSize',
      'socket.roomSize',
      'socket.reply',
      'socket.broadcastToRoom',
      'socket.leave',
      'socket.disconnect',
      'socket.roomSize',
    ]);
    expect(outcome.effects[3]).toEqual({ type: 'socket.reply', gateway: '/chat', event: 'ack', data: { got: 'hi' } });
  });
});
