/**
 * The inspector's memory: the last requests the dev server answered and the
 * state of the project's files, pushed to open pages as server-sent events.
 */
import type { Response } from 'express';
import type { RequestTrace } from '../trace.ts';

export interface ProjectStatus {
  /** Problems in route files, the config or the schema, as one line each. */
  problems: string[];
  warnings: string[];
  routes: Array<{ path: string; methods: readonly string[]; file: string | null; broken: boolean }>;
}

type Event = { type: 'request'; trace: RequestTrace } | { type: 'status'; status: ProjectStatus };

export class Inspector {
  private readonly traces: RequestTrace[] = [];
  private readonly clients = new Set<Response>();
  private status: ProjectStatus = { problems: [], warnings: [], routes: [] };
  private readonly keep: number;

  constructor(keep = 200) {
    this.keep = keep;
  }

  add(trace: RequestTrace): void {
    this.traces.push(trace);
    if (this.traces.length > this.keep) this.traces.splice(0, this.traces.length - this.keep);
    this.broadcast({ type: 'request', trace });
  }

  setStatus(status: ProjectStatus): void {
    this.status = status;
    this.broadcast({ type: 'status', status });
  }

  list(): RequestTrace[] {
    return [...this.traces];
  }

  get(id: number): RequestTrace | undefined {
    return this.traces.find((t) => t.id === id);
  }

  get projectStatus(): ProjectStatus {
    return this.status;
  }

  /** Streams events to a page: the current status and recent requests first, then each new one. */
  subscribe(res: Response): void {
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    write(res, { type: 'status', status: this.status });
    for (const trace of this.traces) write(res, { type: 'request', trace });
  }

  /** Ends every open stream (the server is stopping). */
  closeStreams(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(event: Event): void {
    for (const res of this.clients) write(res, event);
  }
}

function write(res: Response, event: Event): void {
  res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.type === 'request' ? event.trace : event.status)}\n\n`);
}
