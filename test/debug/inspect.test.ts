/**
 * `enfyra-run run --inspect`: a real DevTools-protocol client attaches over the WebSocket the CLI
 * announces, as Chrome DevTools and VS Code do, and debugs the hook by line.
 */
import { createServer, type Server } from 'node:net';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, tempFolder, type RunningCli } from '../support/cli.ts';
import { CdpClient } from './cdp-client.ts';

const TOTAL = [
  '// Adds up the order lines.',
  'const items = $ctx.$body.items;',
  'let total = 0;',
  'for (const item of items) {',
  '  total += item.price * item.qty;', // line 5
  '}',
  'return { total };',
].join('\n');

const BODY = JSON.stringify({ items: [{ price: 2, qty: 3 }, { price: 1, qty: 1 }] });

let running: RunningCli | null = null;
let client: CdpClient | null = null;
afterEach(() => {
  client?.close();
  client = null;
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = null;
});

/** Starts the CLI with `flag` and reads the WebSocket address it prints. */
async function startInspecting(hook: string, source: string, flag: string): Promise<{ cwd: string; ws: string; port: string }> {
  const cwd = tempFolder({ 'enfyra.config.json': '{}', [hook]: source });
  running = spawnCli(['run', hook, '--body', BODY, flag], { cwd });
  await running.waitFor(/Waiting for the debugger/, 'stderr');
  const [, ws, port] = /Debugger listening on (ws:\/\/127\.0\.0\.1:(\d+)\/\S+)/.exec(running.stderr())!;
  return { cwd, ws: ws!, port: port! };
}

/** total.js under --inspect-brk, a debugger attached (returned), the hook paused at its first line. */
async function pausedAtFirstLine(): Promise<CdpClient> {
  const { ws } = await startInspecting('hooks/total.js', TOTAL, '--inspect-brk=0');
  const debuggerClient = await CdpClient.connect(ws);
  client = debuggerClient;
  await debuggerClient.send('Debugger.enable');
  await debuggerClient.send('Runtime.runIfWaitingForDebugger');
  await debuggerClient.next('Debugger.paused');
  return debuggerClient;
}

describe('enfyra-run run --inspect', () => {
  it('serves /json/list and /json/version, and a client pauses at a breakpoint by line and reads a local variable', async () => {
    const { cwd, ws, port } = await startInspecting('hooks/total.js', TOTAL, '--inspect-brk=0');
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<Record<string, string>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: 'node', webSocketDebuggerUrl: ws, url: `file://${cwd}/hooks/total.js` });
    const version = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as Record<string, string>;
    expect(version['Protocol-Version']).toBe('1.1');

    client = await CdpClient.connect(ws);
    await client.send('Runtime.enable');
    await client.send('Debugger.enable');
    // 0-based, as the protocol counts: line 5 of the file.
    await client.send('Debugger.setBreakpointByUrl', { url: list[0]!.url, lineNumber: 4 });
    await client.send('Runtime.runIfWaitingForDebugger');

    // The sandbox's own bootstrap is parsed too; the hook is announced under its file URL.
    let parsed = await client.next('Debugger.scriptParsed');
    while (parsed.params.url !== list[0]!.url) parsed = await client.next('Debugger.scriptParsed');
    // --inspect-brk: first the hook's first statement (line 2).
    const first = await client.next('Debugger.paused');
    expect(first.params.callFrames[0].location.lineNumber).toBe(1);
    await client.send('Debugger.resume');

    const atBreakpoint = await client.next('Debugger.paused');
    const frame = atBreakpoint.params.callFrames[0];
    expect(frame.location.scriptId).toBe(parsed.params.scriptId);
    expect(frame.location.lineNumber).toBe(4);
    const { result } = await client.send('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: 'total' });
    expect(result).toMatchObject({ type: 'number', value: 0 });
    const source = await client.send('Debugger.getScriptSource', { scriptId: frame.location.scriptId });
    expect(source.scriptSource).toContain('total += item.price * item.qty;');

    await client.send('Debugger.removeBreakpoint', { breakpointId: atBreakpoint.params.hitBreakpoints[0] });
    await client.send('Debugger.resume');
    const done = await running!.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('"total": 7');
  });

  it('a TypeScript hook comes with a source map to the file as written: the pause maps to its line there', async () => {
    const source = ['interface Order {', '  qty: number;', '}', '', 'const order = @BODY as Order;', 'return { qty: order.qty };'].join('\n');
    const { ws, cwd } = await startInspecting('hooks/order.ts', source, '--inspect-brk=0');
    client = await CdpClient.connect(ws);
    await client.send('Debugger.enable');
    await client.send('Runtime.runIfWaitingForDebugger');
    const url = `file://${cwd}/hooks/order.ts`;
    let parsed = await client.next('Debugger.scriptParsed');
    while (parsed.params.url !== url) parsed = await client.next('Debugger.scriptParsed');
    const map = JSON.parse(Buffer.from(/^data:application\/json;charset=utf-8;base64,(.+)$/.exec(parsed.params.sourceMapURL)![1]!, 'base64').toString());
    expect(map.sources).toEqual([url]);
    expect(map.sourcesContent).toEqual([source]);
    const paused = await client.next('Debugger.paused');
    const { lineNumber, columnNumber } = paused.params.callFrames[0].location;
    // The compiled code's first line is `const order = $ctx.$body;`; the map is in the script's own lines (its wrapper first).
    const at = originalPositionFor(new TraceMap(map), { line: lineNumber - parsed.params.startLine + 1, column: columnNumber });
    expect(at).toMatchObject({ source: url, line: 5 });
    await client.send('Debugger.resume');
    expect((await running!.done).code).toBe(0);
  });

  it('--inspect waits for the debugger, then stops at a `debugger;` statement; a long pause is not ended by the time limits', async () => {
    const hook = 'const x = 41;\ndebugger;\nreturn { x: x + 1 };';
    const { ws } = await startInspecting('hooks/stop.js', hook, '--inspect=0');
    expect(running!.stderr()).toMatch(/sandbox\.cpuTimeoutMs and sandbox\.wallTimeoutMs are 86400000 ms/);
    client = await CdpClient.connect(ws);
    await client.send('Debugger.enable');
    await client.send('Runtime.runIfWaitingForDebugger');
    const paused = await client.next('Debugger.paused');
    expect(paused.params.callFrames[0].location.lineNumber).toBe(1);
    // Paused longer than the default CPU limit (1000 ms): the hook must survive it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { result } = await client.send('Debugger.evaluateOnCallFrame', { callFrameId: paused.params.callFrames[0].callFrameId, expression: 'x' });
    expect(result.value).toBe(41);
    await client.send('Debugger.resume');
    const done = await running!.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('"x": 42');
  });

  it('a debugger that goes away while the hook is paused lets it run to the end', async () => {
    (await pausedAtFirstLine()).close();
    const done = await running!.done;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('"total": 7');
  });

  it('Ctrl-C while the hook is paused in the debugger ends the run (exit 130)', async () => {
    await pausedAtFirstLine();
    running!.child.kill('SIGINT');
    const done = await running!.done;
    expect(done.code).toBe(130);
    expect(done.stdout).toBe('');
  });

  it('a port in use is a usage error (exit 2) before the hook runs', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cwd = tempFolder({ 'enfyra.config.json': '{}', 'hooks/x.js': "$ctx.$logs('ran');\nreturn 1;" });
      running = spawnCli(['run', 'hooks/x.js', `--inspect=${port}`], { cwd });
      const done = await running.done;
      expect(done.code).toBe(2);
      expect(done.stderr).toBe(`enfyra-run: --inspect: port ${port} on 127.0.0.1 is in use (another debugger, or another enfyra-run --inspect?); choose another with --inspect=<port>\n`);
      expect(done.stdout).toBe('');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('cannot be combined with --coverage or --watch (usage errors, nothing run)', async () => {
    const cwd = tempFolder({ 'enfyra.config.json': '{}', 'hooks/x.js': 'return 1;' });
    running = spawnCli(['run', 'hooks/x.js', '--inspect=0', '--coverage'], { cwd });
    expect(await running.done).toEqual({ code: 2, stdout: '', stderr: 'enfyra-run: --coverage cannot be combined with --inspect (a paused hook would count as run)\n' });
    running = spawnCli(['run', 'hooks/x.js', '--inspect-brk', '--watch'], { cwd });
    expect(await running.done).toEqual({ code: 2, stdout: '', stderr: 'enfyra-run: --watch cannot be combined with --inspect-brk\n' });
  });

  it('a port that is not a number says how to write the flag', async () => {
    const cwd = tempFolder({ 'enfyra.config.json': '{}', 'hooks/x.js': 'return 1;' });
    running = spawnCli(['run', '--inspect', 'hooks/x.js'], { cwd });
    const done = await running.done;
    expect(done.code).toBe(2);
    expect(done.stderr).toMatch(/--inspect takes a port from 0 to 65535 \(got "hooks\/x\.js"\); write --inspect=<port>, or put --inspect after the hook file/);
  });
});
