/**
 * The endpoint debuggers attach to, as Node's `--inspect` serves it: an HTTP
 * server on loopback answering `/json/list` and `/json/version` (how
 * chrome://inspect and VS Code discover a target) and one WebSocket path
 * carrying the Chrome DevTools Protocol. What the messages mean is the
 * caller's business (inspect.ts): this file only moves text.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { UsageError } from '../shared/usage-error.ts';

export interface DevtoolsTarget {
  /** Shown in chrome://inspect's list. */
  title: string;
  /** The script being debugged (a file URL). */
  url: string;
}

export interface DevtoolsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  target: DevtoolsTarget;
  /** The flag that asked for the server, for error messages (`--inspect`). */
  flag: string;
  onConnection: (socket: WebSocket) => void;
}

export class DevtoolsServer {
  readonly id = randomUUID();
  private readonly http: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly options: DevtoolsServerOptions;
  private port = 0;

  private constructor(options: DevtoolsServerOptions) {
    this.options = options;
    this.http = http.createServer((req, res) => this.answer(req, res));
    this.http.on('upgrade', (req, socket, head) => {
      if (req.url !== `/${this.id}`) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => options.onConnection(ws));
    });
  }

  /** Listens, or throws a UsageError saying why not (the port is taken). */
  static async listen(options: DevtoolsServerOptions): Promise<DevtoolsServer> {
    const server = new DevtoolsServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'is in use (another debugger, or another enfyra-run --inspect?)' : `cannot be opened (${err.code ?? err.message})`;
        reject(new UsageError(`${options.flag}: port ${options.port} on ${options.host} ${why}; choose another with ${options.flag}=<port>`));
      });
      server.http.listen(options.port, options.host, () => resolve());
    });
    server.port = (server.http.address() as AddressInfo).port;
    return server;
  }

  get address(): string {
    return `${this.options.host}:${this.port}`;
  }

  get webSocketUrl(): string {
    return `ws://${this.address}/${this.id}`;
  }

  /** Opens Chrome DevTools on this target when pasted into Chrome's address bar. */
  get devtoolsUrl(): string {
    return `devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=${this.address}/${this.id}`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    let body: unknown;
    if (path === '/json' || path === '/json/list') body = [this.description()];
    else if (path === '/json/version') body = { Browser: 'enfyra-run', 'Protocol-Version': '1.1' };
    else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body, null, 2));
  }

  private description(): Record<string, string> {
    const ws = `${this.address}/${this.id}`;
    return {
      description: 'enfyra-run hook',
      devtoolsFrontendUrl: this.devtoolsUrl,
      devtoolsFrontendUrlCompat: `devtools://devtools/bundled/inspector.html?experiments=true&v8only=true&ws=${ws}`,
      id: this.id,
      title: this.options.target.title,
      type: 'node',
      url: this.options.target.url,
      webSocketDebuggerUrl: `ws://${ws}`,
    };
  }
}
