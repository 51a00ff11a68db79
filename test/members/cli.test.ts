/** The members through the CLI: `flow`, --file, --kind/--event/--args, --out, and their usage errors. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchProject } from '../support/cli.ts';

const FLOW = {
  id: 3,
  name: 'welcome',
  steps: [
    { key: 'greet', stepOrder: 1, type: 'script', scriptLanguage: 'javascript', sourceCode: "$ctx.$logs('greeting', $ctx.$flow.$payload.name); return 'hi ' + $ctx.$flow.$payload.name;" },
    { key: 'tell', stepOrder: 2, type: 'script', scriptLanguage: 'javascript', sourceCode: "await $ctx.$socket.emitToUser(1, 'welcome', $ctx.$flow.$last); return $ctx.$flow.greet.length;" },
  ],
};
const BROKEN = { name: 'broken', steps: [{ key: 'boom', type: 'script', sourceCode: "throw new Error('boom')" }] };

// Each case spawns the CLI up to four times; on a loaded 2-core machine one spawn can take several seconds.
describe('enfyra-run members on the command line', { timeout: 120_000 }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = scratchProject({
      'flows/welcome.json': JSON.stringify(FLOW),
      'flows/broken.json': JSON.stringify(BROKEN),
      'hooks/members/upload.js': 'const saved = await $ctx.$storage.$upload({ file: $ctx.$uploadedFile }); return { name: $ctx.$uploadedFile.originalname, size: $ctx.$uploadedFile.size, location: saved.data[0].location };',
      'hooks/members/export.js': "await $ctx.$res.stream(['a,b\\n', '1,2\\n'], { mimetype: 'text/csv', filename: 'export.csv' });",
      'hooks/members/trigger.js': "return await $ctx.$trigger('welcome', { name: 'Ada' });",
      'hooks/members/ws.js': "await $ctx.$socket.reply('echo', $ctx.$body); return { method: $ctx.$req.method, url: $ctx.$req.url, api: $ctx.$api.request.url };",
      'hooks/members/gql.js': 'return { args: $ctx.$args, user: $ctx.$user };',
      'data/report.txt': 'numbers',
    });
  });

  it('flow <name> runs a local flow and prints its envelope', async () => {
    const r = await runCli(['flow', 'welcome', '--payload', '{"name":"Ada"}', '--json'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const envelope = JSON.parse(r.stdout);
    expect(envelope).toMatchObject({
      statusCode: 200,
      error: null,
      data: { status: 'completed', flow: { greet: 'hi Ada', tell: 6, $payload: { name: 'Ada' } }, completedSteps: [{ key: 'greet' }, { key: 'tell' }] },
      logs: ['greeting', 'Ada'],
      effects: [{ type: 'socket.emitToUser', userId: 1, event: 'welcome', data: 'hi Ada' }],
    });
  });

  it('a failing flow exits 1; an unknown flow or bad payload exits 2', async () => {
    const failed = await runCli(['flow', 'broken', '--json'], { cwd });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ statusCode: 500, error: { name: 'FlowError', message: expect.stringContaining('boom') } });
    const unknown = await runCli(['flow', 'nope'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no flow "nope" in .*flows \(flows: broken, welcome\)/);
    const bad = await runCli(['flow', 'welcome', '--payload', '{oops'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--payload is not valid JSON/);
  });

  it('--file uploads a file for $uploadedFile and $storage (POST/PATCH, field "file")', async () => {
    const r = await runCli(['hooks/members/upload.js', '--method', 'POST', '--file', 'data/report.txt', '--json'], { cwd });
    expect(r.code).toBe(0);
    const envelope = JSON.parse(r.stdout);
    expect(envelope.data).toMatchObject({ name: 'report.txt', size: 7, location: expect.stringMatching(/^\/uploads\/report_\d+_[0-9a-f]{12}\.txt$/) });
    expect(readFileSync(path.join(cwd, '.enfyra/storage', envelope.data.location), 'utf8')).toBe('numbers');
    expect(envelope.effects[0]).toMatchObject({ type: 'storage.upload', size: 7 });

    const field = await runCli(['hooks/members/upload.js', '--method', 'POST', '--file', 'data/report.txt:avatar', '--json'], { cwd });
    expect(field.code).toBe(1);
    expect(JSON.parse(field.stdout).error).toMatchObject({ statusCode: 500, name: 'MulterError', message: expect.stringContaining('Unexpected field') });

    const get = await runCli(['hooks/members/upload.js', '--file', 'data/report.txt'], { cwd });
    expect(get.code).toBe(2);
    expect(get.stderr).toMatch(/--file needs --method POST or PATCH/);
    const missing = await runCli(['hooks/members/upload.js', '--method', 'PATCH', '--file', 'data/none.txt'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--file: cannot read data\/none\.txt: ENOENT/);
  });

  it('a $res.stream body goes to stdout, or to --out; the envelope keeps its size', async () => {
    const plain = await runCli(['hooks/members/export.js'], { cwd });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('a,b\n1,2\n');
    const out = await runCli(['hooks/members/export.js', '--out', 'export.csv', '--json'], { cwd });
    expect(out.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'export.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(JSON.parse(out.stdout).effects).toEqual([{ type: 'res.stream', statusCode: 200, mimetype: 'text/csv', filename: 'export.csv', headers: {}, bytes: 8 }]);
  });

  it('flows.runTriggered runs a triggered flow after the hook', async () => {
    const config = JSON.parse(readFileSync(path.join(cwd, 'enfyra.config.json'), 'utf8'));
    writeFileSync(path.join(cwd, 'triggered.config.json'), JSON.stringify({ ...config, flows: { runTriggered: true } }));
    const r = await runCli(['hooks/members/trigger.js', '--config', 'triggered.config.json', '--json'], { cwd });
    expect(r.code).toBe(0);
    const envelope = JSON.parse(r.stdout);
    expect(envelope.data).toEqual({ jobId: '1', flowId: 3 });
    expect(envelope.effects.map((e: { type: string }) => e.type)).toContain('flow.run');
    const recorded = await runCli(['hooks/members/trigger.js', '--json'], { cwd });
    expect(JSON.parse(recorded.stdout).effects).toEqual([{ type: 'trigger', flow: 'welcome', flowId: 3, payload: { name: 'Ada' }, jobId: '1' }]);
  });

  it('--kind runs a script with that kind\'s $ctx', async () => {
    const ws = await runCli(['hooks/members/ws.js', '--kind', 'websocket', '--url', '/chat', '--event', 'say', '--body', '{"t":1}', '--json'], { cwd });
    expect(ws.code).toBe(0);
    const envelope = JSON.parse(ws.stdout);
    expect(envelope.data).toEqual({ method: 'WS_EVENT', url: '/chat', api: '/chat/say' });
    expect(envelope.effects).toEqual([{ type: 'socket.reply', gateway: '/chat', event: 'echo', data: { t: 1 } }]);
    const gql = await runCli(['hooks/members/gql.js', '--kind', 'graphql', '--args', '{"id":5}', '--json'], { cwd });
    expect(JSON.parse(gql.stdout).data).toEqual({ args: { id: 5 }, user: null });
  });

  it.each([
    [['--kind', 'cron'], /--kind must be one of preHook, handler/],
    [['--event', 'x'], /--event needs --kind websocket/],
    [['--kind', 'handler', '--args', '{}'], /--args needs --kind graphql/],
    [['--kind', 'graphql', '--args', '{'], /--args is not valid JSON/],
  ])('usage error %j', async (flags, message) => {
    const r = await runCli(['hooks/members/gql.js', ...flags], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
