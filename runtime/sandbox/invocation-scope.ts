import type { InvocationScope, ScopeRequest } from './host-module.ts';

let nextInvocationId = 1;

/** Host-side state of one invocation, handed to every host method it calls. */
export class Scope implements InvocationScope {
  readonly id = nextInvocationId++;
  readonly warnings: string[] = [];
  private readonly states = new Map<object, unknown>();

  readonly mainTable: string | undefined;
  private readonly deadline: number;
  readonly request: ScopeRequest;

  constructor(
    mainTable: string | undefined,
    deadline: number = Number.POSITIVE_INFINITY,
    request: ScopeRequest = { ip: null, userId: null, route: 'GET /' },
  ) {
    this.mainTable = mainTable;
    this.deadline = deadline;
    this.request = request;
  }

  remainingWallMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  state<T>(owner: object, init: () => T): T {
    if (!this.states.has(owner)) this.states.set(owner, init());
    return this.states.get(owner) as T;
  }
}
