/**
 * `--inspect` / `--inspect-brk`: a debugger (Chrome DevTools, VS Code)
 * attaches over the DevTools protocol to the isolate the hook runs in. The
 * hook waits until the debugger says it is ready (`Runtime.runIfWaitingForDebugger`,
 * which both send once they have set their breakpoints); with `brk` it then
 * pauses on the hook's first statement. Scripts are compiled under their
 * file URL, so breakpoints set on the file by line land in the hook.
 *
 * For local development only: whoever reaches the port runs code in the
 * sandbox and reads everything in it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type ivm from 'isolated-vm';
import type { WebSocket } from 'ws';
import type { HookSource } from '../compile/hook-source.ts';
import type { IsolateInspector } from '../sandbox/inspector-hook.ts';
import { DevtoolsServer } from './devtools-server.ts';
import { disposeSession, ProtocolSession } from './protocol-session.ts';
import { scriptSourceMap, sourceMapComment } from './script-source-map.ts';

export const DEFAULT_INSPECT_PORT = 9229;

/**
 * The limits while a debugger may hold the hook paused: isolated-vm stops its
 * CPU clock during a pause, but our wall-clock timer and CPU guard would
 * still end the hook, so both are raised to a day.
 */
export const INSPECT_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export interface InspectOptions {
  port: number;
  host?: string;
  /** Pause on the hook's first statement (`--inspect-brk`). */
  brk: boolean;
  /** Hook file names are relative to this folder. */
  cwd: string;
  /** The hook's display name, for chrome://inspect's list. */
  title: string;
  /** The flag as typed, for error messages. */
  flag: string;
}

/** One debugger client: its WebSocket, bridged to an inspector session once an isolate exists. */
interface Client {
  socket: WebSocket;
  session: ProtocolBridge | null;
  queued: string[];
}

export class InspectSession implements IsolateInspector {
  private readonly options: InspectOptions;
  private server!: DevtoolsServer;
  private isolate: ivm.Isolate | null = null;
  private readonly clients = new Set<Client>();
  private markReady!: () => void;
  /** Settles once a debugger has sent `Runtime.runIfWaitingForDebugger`. */
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));
  private breakSet = false;
  /** Our own session for --inspect-brk's first pause; it holds the process open until disposed. */
  private own: ProtocolSession | null = null;

  private constructor(options: InspectOptions) {
    this.options = options;
  }

  /** Starts the server; throws a UsageError when the port is taken. */
  static async start(options: InspectOptions): Promise<InspectSession> {
    const inspect = new InspectSession(options);
    inspect.server = await DevtoolsServer.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      flag: options.flag,
      target: { title: `enfyra-run ${options.title}`, url: pathToFileURL(path.resolve(options.cwd, options.title)).href },
      onConnection: (socket) => inspect.connect(socket),
    });
    return inspect;
  }

  /** What to print so that a person can attach. */
  banner(): string {
    return (
      `Debugger listening on ${this.server.webSocketUrl}\n` +
      `For help, see: docs/debugging.md (Chrome: chrome://inspect, or open ${this.server.devtoolsUrl})\n` +
      `Limits raised while inspecting: sandbox.cpuTimeoutMs and sandbox.wallTimeoutMs are ${INSPECT_TIMEOUT_MS} ms.\n` +
      `Waiting for the debugger to attach...\n`
    );
  }

  attach(isolate: ivm.Isolate): void {
    this.isolate = isolate;
    for (const client of this.clients) this.bridge(client);
  }

  async beforeRun(isolate: ivm.Isolate, hook: HookSource): Promise<void> {
    await this.ready;
    if (this.options.brk && !this.breakSet) {
      this.breakSet = true;
      this.own = await breakOnFirstStatement(isolate, this.fileUrl(hook.filename));
    }
  }

  /** Compiled under the file's URL, with a source map back to the file as written (see script-source-map.ts). */
  script(hook: HookSource, wrapped: string): { filename: string; source: string } {
    const url = this.fileUrl(hook.filename);
    const map = scriptSourceMap(hook, wrapped, url);
    return { filename: url, source: map ? wrapped + sourceMapComment(map) : wrapped };
  }

  private fileUrl(filename: string): string {
    return pathToFileURL(path.resolve(this.options.cwd, filename)).href;
  }

  retire(isolate: ivm.Isolate): void {
    if (this.isolate === isolate) this.isolate = null;
    this.own?.dispose();
    this.own = null;
    for (const client of this.clients) {
      if (client.session?.isolate === isolate) {
        client.session.dispose();
        client.session = null;
      }
    }
    if (!isolate.isDisposed) isolate.dispose();
  }

  async close(): Promise<void> {
    this.own?.dispose();
    for (const client of this.clients) client.session?.dispose();
    this.clients.clear();
    await this.server.close();
  }

  private connect(socket: WebSocket): void {
    const client: Client = { socket, session: null, queued: [] };
    this.clients.add(client);
    socket.on('message', (data) => {
      const text = String(data);
      if (client.session) client.session.dispatch(text);
      else client.queued.push(text);
      if (isRunIfWaiting(text)) this.markReady();
    });
    socket.on('close', () => {
      client.session?.dispose();
      this.clients.delete(client);
      // The last debugger left: our own session must not keep the hook paused (V8 resumes once no session debugs).
      if (this.clients.size === 0) {
        this.own?.dispose();
        this.own = null;
      }
    });
    socket.on('error', () => socket.terminate());
    this.bridge(client);
  }

  private bridge(client: Client): void {
    if (!this.isolate || client.session) return;
    client.session = new ProtocolBridge(this.isolate, client.socket);
    for (const text of client.queued.splice(0)) client.session.dispatch(text);
  }
}

/** Relays a client's protocol text to an isolate's inspector and back, untouched. */
class ProtocolBridge {
  readonly isolate: ivm.Isolate;
  private readonly session: ivm.InspectorSession;
  private disposed = false;

  constructor(isolate: ivm.Isolate, socket: WebSocket) {
    this.isolate = isolate;
    this.session = isolate.createInspectorSession();
    const send = (message: string) => {
      if (socket.readyState === socket.OPEN) socket.send(message);
    };
    this.session.onResponse = (_id, message) => send(message);
    this.session.onNotification = send;
  }

  dispatch(text: string): void {
    // Nothing may reach the inspector of a disposed isolate (see disposeSession).
    if (this.disposed || this.isolate.isDisposed) return;
    try {
      this.session.dispatchProtocolMessage(text);
    } catch {
      // The isolate is gone; the client hears nothing more from it.
      this.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeSession(this.isolate, this.session);
  }
}

function isRunIfWaiting(text: string): boolean {
  try {
    return (JSON.parse(text) as { method?: unknown }).method === 'Runtime.runIfWaitingForDebugger';
  } catch {
    return false;
  }
}

/**
 * `--inspect-brk`: a one-time breakpoint at the start of the hook's first
 * line (V8 moves it to the first statement), set from a session of our own so
 * the debugger's breakpoint list stays the user's; removed once hit.
 */
async function breakOnFirstStatement(isolate: ivm.Isolate, url: string): Promise<ProtocolSession | null> {
  const session = new ProtocolSession(isolate);
  try {
    await session.send('Debugger.enable');
    const { breakpointId } = await session.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', { url, lineNumber: 0, columnNumber: 0 });
    const stop = session.onEvent((event) => {
      if (event.method !== 'Debugger.paused') return;
      const hit = (event.params.hitBreakpoints as string[] | undefined) ?? [];
      if (!hit.includes(breakpointId)) return;
      stop();
      // Our session stays enabled until the isolate goes: disabling it now could resume the pause.
      void session.send('Debugger.removeBreakpoint', { breakpointId }).catch(() => {});
    });
    return session;
  } catch {
    // The isolate went away before the hook ran: nothing to pause.
    session.dispose();
    return null;
  }
}
