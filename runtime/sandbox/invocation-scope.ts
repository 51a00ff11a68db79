import { AsyncLocalStorage } from 'node:async_hooks';
import type { InvocationScope, ScopeRequest } from './host-module.ts';
import type { Effect, Warning } from '../shared/diagnostics.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';

let nextInvocationId = 1;

/** The host call running now, through its awaits (a method may warn after it has started waiting). */
const currentCall = new AsyncLocalStorage<{ scope: Scope; key: number }>();

export interface ScopeOptions {
  mainTable?: string;
  /** Epoch ms of the wall-clock limit. */
  deadline?: number;
  request?: ScopeRequest;
  kind?: ScriptKind;
  context?: Readonly<Record<string, unknown>>;
  /** The script being served, for warnings that name a line. */
  file?: string;
}

/** Host-side state of one invocation, handed to every host method it calls. */
export class Scope implements InvocationScope {
  readonly id = nextInvocationId++;
  readonly warnings: Warning[] = [];
  readonly effects: Effect[] = [];
  readonly mainTable: string | undefined;
  readonly request: ScopeRequest;
  readonly kind: ScriptKind;
  readonly context: Readonly<Record<string, unknown>>;
  private readonly deadline: number;
  private readonly file: string | undefined;
  private readonly states = new Map<object, unknown>();
  /** Made when someone listens (most invocations never do; aborting one costs a DOMException). */
  private abort: AbortController | null = null;
  private ended = false;
  interrupted = false;

  constructor(options: ScopeOptions = {}) {
    this.mainTable = options.mainTable;
    this.deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    this.request = options.request ?? { ip: null, userId: null, route: 'GET /' };
    this.kind = options.kind ?? 'handler';
    this.context = options.context ?? {};
    this.file = options.file;
  }

  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.ended) this.abort.abort();
    }
    return this.abort.signal;
  }

  /** The invocation is over: outside work started for it should stop. */
  end(): void {
    this.ended = true;
    this.abort?.abort();
  }

  remainingWallMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /**
   * The warnings each host call raised (indexes into `warnings`), by call key: the isolate is then asked
   * where in the script the call was made. A method runs inside `inCall`, so a warning it raises after
   * an await still belongs to its call; one raised outside any call (at the invocation's end) has none.
   */
  readonly callWarnings = new Map<number, number[]>();

  /** Runs `fn` (a host method) as call `key` of this invocation. */
  inCall<T>(key: number, fn: () => T): T {
    return currentCall.run({ scope: this, key }, fn);
  }

  warn(code: string, message: string): void {
    this.warnings.push(this.file ? { code, message, file: this.file } : { code, message });
    const call = currentCall.getStore();
    if (call === undefined || call.scope !== this) return;
    const raised = this.callWarnings.get(call.key);
    if (raised) raised.push(this.warnings.length - 1);
    else this.callWarnings.set(call.key, [this.warnings.length - 1]);
  }

  /** The script's line and column for the warnings the call `key` raised. */
  placeCallWarnings(key: number, line: number, column: number): void {
    for (const index of this.callWarnings.get(key) ?? []) {
      const warning = this.warnings[index];
      if (warning && warning.line === undefined) this.warnings[index] = { ...warning, line, column };
    }
    this.callWarnings.delete(key);
  }

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  state<T>(owner: object, init: () => T): T {
    if (!this.states.has(owner)) this.states.set(owner, init());
    return this.states.get(owner) as T;
  }
}
