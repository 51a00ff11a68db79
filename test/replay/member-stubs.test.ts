/** Members that reach outside, in replay: `$fetch` answered from `state.fetch` only, effects checked by subset. */
import { describe, expect, it } from 'vitest';
import { formatFixture } from '../../runtime/replay/reporters/text.ts';
import { bareProject, replayIn } from './support.ts';

const RATE = "const r = await $ctx.$helpers.$fetch('https://rates.example.com/eur'); return r.rate;";

async function replayOne(fixture: unknown, hook = RATE) {
  const dir = bareProject({ 'hooks/rate.js': hook, 'fixtures/requests/rate.json': fixture });
  const outcome = await replayIn(dir);
  const [result] = outcome.results;
  return { result: result!, text: formatFixture(result!) };
}

describe('state.fetch', () => {
  it('answers $fetch from the stub; the call is an effect', async () => {
    const { result, text } = await replayOne({
      hook: 'hooks/rate.js',
      state: { fetch: [{ url: 'https://rates.example.com/eur', body: { rate: 1.08 } }] },
      steps: [{ expect: { data: 1.08, effects: [{ type: 'fetch', method: 'GET', url: 'https://rates.example.com/eur', status: 200, bytes: 13 }] } }],
    });
    expect(text).toContain('PASS');
    expect(result.status).toBe('passed');
  });

  it('an unstubbed request fails the step naming the URL; nothing reaches the network', async () => {
    const { result } = await replayOne({ hook: 'hooks/rate.js', steps: [{ expect: { statusCode: 200 } }] });
    expect(result.status).toBe('failed');
    expect(JSON.stringify(result.steps[0]!.actual?.envelope.error)).toContain(
      'no stub for GET https://rates.example.com/eur (replay never touches the network: add it to state.fetch)',
    );
  });

  it('a state step puts its stubs before the earlier ones', async () => {
    const { result } = await replayOne({
      hook: 'hooks/rate.js',
      state: { fetch: [{ url: 'https://rates.example.com/*', body: { rate: 1 } }] },
      steps: [{ expect: { data: 1 } }, { state: { fetch: [{ url: 'https://rates.example.com/eur', body: { rate: 2 } }] } }, { expect: { data: 2 } }],
    });
    expect(result.status).toBe('passed');
  });

  it('a stub that is not one is an invalid fixture, naming the field', async () => {
    const dir = bareProject({ 'hooks/rate.js': RATE, 'fixtures/requests/rate.json': { hook: 'hooks/rate.js', state: { fetch: [{ body: 1 }] }, steps: [{ expect: {} }] } });
    const outcome = await replayIn(dir);
    expect(outcome.results[0]!.status).toBe('invalid');
    expect(outcome.results[0]!.field).toBe('state.fetch[0].url');
  });
});

describe('expect.effectsContain', () => {
  const SOCKET = "await $ctx.$socket.emitToUser(7, 'ping', { n: 1 }); await $ctx.$socket.broadcast('all', {}); return 1;";

  it('passes when each listed effect matches one of the actual ones as a subset, in any order', async () => {
    const { result } = await replayOne(
      { hook: 'hooks/rate.js', steps: [{ expect: { effectsContain: [{ type: 'socket.broadcast' }, { type: 'socket.emitToUser', userId: 7 }] } }] },
      SOCKET,
    );
    expect(result.status).toBe('passed');
  });

  it('fails naming the effect that no actual one matches', async () => {
    const { result, text } = await replayOne(
      { hook: 'hooks/rate.js', steps: [{ expect: { effectsContain: [{ type: 'socket.emitToUser', userId: 8 }] } }] },
      SOCKET,
    );
    expect(result.status).toBe('failed');
    expect(text).toMatch(/effectsContain\[0\]/);
    expect(text).toMatch(/no effect matches/);
  });
});

describe('request.file', () => {
  const HOOK = 'return $ctx.$uploadedFile && { name: $ctx.$uploadedFile.originalname, size: $ctx.$uploadedFile.size, field: $ctx.$uploadedFile.fieldname };';

  it('arrives as $uploadedFile, copied as an upload is', async () => {
    const dir = bareProject({ 'hooks/up.js': HOOK, 'data/a.txt': 'hello', 'fixtures/requests/up.json': { hook: 'hooks/up.js', request: { method: 'POST', file: 'data/a.txt' }, expect: { data: { name: 'a.txt', size: 5, field: 'file' } } } });
    expect((await replayIn(dir)).results[0]!.status).toBe('passed');
  });

  it('a file that does not exist makes the fixture invalid, naming the field', async () => {
    const dir = bareProject({ 'hooks/up.js': HOOK, 'fixtures/requests/up.json': { hook: 'hooks/up.js', request: { method: 'POST', file: { path: 'data/none.txt' } }, expect: {} } });
    const [result] = (await replayIn(dir)).results;
    expect(result!.status).toBe('invalid');
    expect(result!.field).toBe('request.file.path');
  });
});

describe('kind', () => {
  const WS = "await $ctx.$socket.reply('pong', $ctx.$body); return $ctx.$req.method;";

  it('runs the hook as that kind of script, with its $ctx (a websocket event here)', async () => {
    const dir = bareProject({ 'hooks/ws.js': WS, 'fixtures/requests/ws.json': { hook: 'hooks/ws.js', kind: 'websocket', event: 'ping', request: { body: { n: 1 } }, expect: { data: 'WS_EVENT', effectsContain: [{ type: 'socket.reply', event: 'pong', data: { n: 1 } }] } } });
    expect((await replayIn(dir)).results[0]!.status).toBe('passed');
  });

  it.each([
    [{ chain: { handler: 'hooks/ws.js' }, kind: 'websocket' }, 'kind'],
    [{ hook: 'hooks/ws.js', event: 'ping' }, 'event'],
    [{ hook: 'hooks/ws.js', kind: 'graphql', event: 'ping' }, 'event'],
    [{ hook: 'hooks/ws.js', kind: 'websocket', args: {} }, 'args'],
    [{ hook: 'hooks/ws.js', kind: 'cron' }, 'kind'],
  ])('%j is an invalid fixture naming %s', async (target, field) => {
    const dir = bareProject({ 'hooks/ws.js': WS, 'fixtures/requests/ws.json': { ...target, expect: {} } });
    const [result] = (await replayIn(dir)).results;
    expect(result!.status).toBe('invalid');
    expect(result!.field).toBe(field);
  });
});

describe('flows in replay', () => {
  const FLOW = { name: 'welcome', steps: [{ key: 'greeting', stepOrder: 1, type: 'script', scriptLanguage: 'javascript', sourceCode: "$ctx.$logs('welcome ' + $ctx.$flow.$payload.name); return 'hi';" }] };
  const HOOK = "return await $ctx.$trigger('welcome', { name: $ctx.$body.name });";

  it('with flows.runTriggered, a triggered flow runs after the hook; its run (with its own logs) is an effect', async () => {
    const config = { database: { schema: null }, flows: { runTriggered: true } };
    const dir = bareProject({
      'enfyra.config.json': config,
      'flows/welcome.json': FLOW,
      'hooks/signup.js': HOOK,
      'fixtures/requests/signup.json': {
        hook: 'hooks/signup.js',
        request: { method: 'POST', body: { name: 'Ada' } },
        expect: { dataMatch: { flowId: 'welcome' }, effectsContain: [{ type: 'trigger', flow: 'welcome', payload: { name: 'Ada' } }, { type: 'flow.run', status: 'completed', logs: ['welcome Ada'] }] },
      },
    });
    const [result] = (await replayIn(dir)).results;
    expect(result!.status, JSON.stringify(result)).toBe('passed');
  });
});
