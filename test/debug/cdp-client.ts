/** A minimal Chrome DevTools Protocol client over WebSocket, as a debugger talks to `enfyra-run --inspect`. */
import WebSocket from 'ws';

export interface CdpEvent {
  method: string;
  params: Record<string, any>;
}

export class CdpClient {
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly events: CdpEvent[] = [];
  private wake: (() => void) | null = null;
  closed = false;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } } & CdpEvent;
      if (message.id !== undefined) {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiting?.reject(new Error(message.error.message));
        else waiting?.resolve(message.result);
      } else {
        this.events.push(message);
        this.wake?.();
      }
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static connect(url: string): Promise<CdpClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new CdpClient(ws)));
      ws.once('error', reject);
    });
  }

  send<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The next event named `method` (already received or still to come). */
  async next(method: string): Promise<CdpEvent> {
    for (;;) {
      const at = this.events.findIndex((e) => e.method === method);
      if (at >= 0) return this.events.splice(at, 1)[0]!;
      if (this.closed) throw new Error(`the connection closed before ${method}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.ws.close();
  }
}
