/**
 * A Chrome DevTools Protocol session on one isolate (isolated-vm's
 * `createInspectorSession`), with commands as promises. isolated-vm hands
 * over replies and events as JSON text on the Node thread.
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

export class ProtocolSession {
  private readonly isolate: ivm.Isolate;
  private readonly session: ivm.InspectorSession;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly listeners = new Set<(event: ProtocolEvent) => void>();
  private nextId = 1;
  private disposed = false;

  constructor(isolate: ivm.Isolate) {
    this.isolate = isolate;
    this.session = isolate.createInspectorSession();
    this.session.onResponse = (_id, message) => this.onReply(JSON.parse(message) as Reply);
    this.session.onNotification = (message) => {
      const event = JSON.parse(message) as ProtocolEvent;
      for (const listener of this.listeners) listener(event);
    };
  }

  /** Sends a command; rejects with the protocol's error, or when the session (or its isolate) is gone. */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.disposed || this.isolate.isDisposed) return reject(new Error('the inspector session is closed'));
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.session.dispatchProtocolMessage(JSON.stringify({ id, method, params }));
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

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { reject } of this.pending.values()) reject(new Error('the inspector session is closed'));
    this.pending.clear();
    this.listeners.clear();
    disposeSession(this.isolate, this.session);
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
export function disposeSession(isolate: ivm.Isolate, session: ivm.InspectorSession): void {
  if (isolate.isDisposed) return;
  try {
    session.dispose();
  } catch {
    // Already gone with its isolate.
  }
}
