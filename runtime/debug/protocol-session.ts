/**
 * Chrome DevTools Protocol sessions on one isolate (isolated-vm's
 * `createInspectorSession`). isolated-vm hands over replies and events as
 * JSON text on the Node thread.
 */
import type ivm from 'isolated-vm';

interface Reply {
  id: number;
  result?: unknown;
  error?: { message?: string };
}

export interface ProtocolEvent {
  method: string;
  params: Record<string, unknown>;
}

/**
 * How long a closing session waits for the isolate to answer the commands still in flight. Only a
 * lost isolate (its thread parked for good) never answers, and that one touches no session either.
 */
const IN_FLIGHT_WAIT_MS = 2000;

/**
 * One inspector session, ended only once the isolate has answered every command sent through it.
 *
 * isolated-vm's `dispose()` frees the session's channel (the object V8 answers into) at once, but ends
 * V8's side of the session later, on the isolate's thread, behind whatever is queued there. A command
 * still queued (e.g. --inspect-brk's removeBreakpoint, sent as the pause begins, when Ctrl-C or the
 * debugger leaving follows at once on a busy machine) then answers into freed memory and the process
 * aborts ("pure virtual method called"). Commands are handled in order, so once the last reply is on
 * this thread nothing the session sent can still reach its channel.
 */
export class InspectorChannel {
  readonly isolate: ivm.Isolate;
  private readonly session: ivm.InspectorSession;
  private readonly inFlight = new Set<number>();
  private closing: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(isolate: ivm.Isolate, onResponse: (id: number, message: string) => void, onNotification: (message: string) => void) {
    this.isolate = isolate;
    this.session = isolate.createInspectorSession();
    this.session.onResponse = (id, message) => {
      this.inFlight.delete(id);
      if (this.closing) {
        if (this.inFlight.size === 0) this.drained?.();
      } else onResponse(id, message);
    };
    this.session.onNotification = (message) => {
      if (!this.closing) onNotification(message);
    };
  }

  /** Whether commands can still be sent: the session is open and its isolate alive. */
  get open(): boolean {
    return this.closing === null && !this.isolate.isDisposed;
  }

  /** Sends a command's text (`id` is its id, null when it has none we can read); throws when the isolate is gone. */
  dispatch(id: number | null, text: string): void {
    if (!this.open) throw new Error('the inspector session is closed');
    if (id !== null) this.inFlight.add(id);
    try {
      this.session.dispatchProtocolMessage(text);
    } catch (err) {
      if (id !== null) this.inFlight.delete(id);
      throw err;
    }
  }

  /** Nothing more is passed on; the session ends once its commands are answered. Settles then. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.inFlight.size === 0) return resolve();
      const timer = setTimeout(resolve, IN_FLIGHT_WAIT_MS);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    }).then(() => disposeSession(this.isolate, this.session));
    return this.closing;
  }
}

/** A session for our own use, with commands as promises. */
export class ProtocolSession {
  private readonly channel: InspectorChannel;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly listeners = new Set<(event: ProtocolEvent) => void>();
  private nextId = 1;

  constructor(isolate: ivm.Isolate) {
    this.channel = new InspectorChannel(
      isolate,
      (_id, message) => this.onReply(JSON.parse(message) as Reply),
      (message) => {
        const event = JSON.parse(message) as ProtocolEvent;
        for (const listener of this.listeners) listener(event);
      },
    );
  }

  get isolate(): ivm.Isolate {
    return this.channel.isolate;
  }

  /** Sends a command; rejects with the protocol's error, or when the session (or its isolate) is gone. */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.channel.open) return reject(new Error('the inspector session is closed'));
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.channel.dispatch(id, JSON.stringify({ id, method, params }));
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  onEvent(listener: (event: ProtocolEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Commands waiting fail at once; settles once the session has ended (see InspectorChannel). */
  dispose(): Promise<void> {
    for (const { reject } of this.pending.values()) reject(new Error('the inspector session is closed'));
    this.pending.clear();
    this.listeners.clear();
    return this.channel.close();
  }

  private onReply(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.error) waiting.reject(new Error(reply.error.message ?? 'inspector error'));
    else waiting.resolve(reply.result);
  }
}

/**
 * Ends an inspector session, unless its isolate is being disposed: isolated-vm ends the sessions of a
 * disposed isolate itself, and a session touched in between (the isolate's thread still winding
 * down, e.g. from a debugger pause) fails a native assertion that aborts the process.
 */
function disposeSession(isolate: ivm.Isolate, session: ivm.InspectorSession): void {
  if (isolate.isDisposed) return;
  try {
    session.dispose();
  } catch {
    // Already gone with its isolate.
  }
}
