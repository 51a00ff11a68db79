/**
 * The extension point of the bridge. A host module contributes methods to
 * `$ctx` at a dotted path (`$cache`, `$helpers.$bcrypt`, `$repos.*`); the
 * sandbox builds isolate-side stubs for them and routes calls here.
 *
 * Arguments arrive copied as JSON values (see wire.ts). A method's return
 * value is copied back as JSON. Throwing an Error (or HttpError) makes the
 * script's call reject/throw with the same name, message and statusCode.
 */
import type { Unrepresentable } from '../shared/wire.ts';
import type { Effect } from '../shared/diagnostics.ts';
import type { ScriptKind } from '../shared/ctx-members.ts';

export type HostArg = unknown | Unrepresentable;

/** Who and what an invocation serves, for helpers keyed by caller (rate limits). */
export interface ScopeRequest {
  readonly ip: string | null;
  /** null for an anonymous request. */
  readonly userId: string | number | null;
  /** `METHOD /path`, e.g. `GET /products/1`. */
  readonly route: string;
}

export interface InvocationScope {
  /** Unique per invocation, for bookkeeping. */
  readonly id: number;
  readonly request: ScopeRequest;
  /** The hook's main table (for `$repos.main`), if any. */
  readonly mainTable: string | undefined;
  /** The kind of script running (its `$ctx` differs by kind). */
  readonly kind: ScriptKind;
  /**
   * The `$ctx` data members (`$query`, `$user`, `$params`, `$body`, `$req`, ...) as they were when the
   * invocation started, as Enfyra's host side sees them (a script's own later edits are not visible here).
   */
  readonly context: Readonly<Record<string, unknown>>;
  /** Aborted when the invocation ends, for any reason (answer, error, limit): stop outside work then. */
  readonly signal: AbortSignal;
  /**
   * True once the invocation was stopped from outside (Ctrl-C, or the runtime closed while it ran): end
   * hooks should give back what it holds (locks) rather than leave it to expire.
   */
  readonly interrupted: boolean;
  /** Milliseconds left before the wall-clock limit ends the invocation. */
  remainingWallMs(): number;
  /**
   * A portability or trap warning (see shared/diagnostics.ts). The sandbox adds the script line of the
   * `$ctx` call being served, so a host method only says what and why.
   */
  warn(code: string, message: string): void;
  /** Record what a member that reaches outside the request did (or would have done). */
  effect(effect: Effect): void;
  /** Per-invocation state owned by one module (e.g. the locks a hook holds). */
  state<T>(owner: object, init: () => T): T;
}

export interface HostMethod {
  /** `sync` methods return their value directly to the script; `async` ones return a promise. */
  readonly kind: 'sync' | 'async';
  call(scope: InvocationScope, args: HostArg[]): unknown;
}

export interface HostModule {
  /** Dotted path on $ctx, e.g. `$cache` or `$helpers.$bcrypt`. */
  readonly path: string;
  readonly methods: Readonly<Record<string, HostMethod>>;
  /**
   * Dynamic members: `$repos.<anyTable>.find(...)`. When set, the path's
   * object is a proxy; accessing `<name>.<method>` calls `method` with the
   * member name as the first argument.
   */
  readonly dynamicMembers?: boolean;
  /**
   * The member is itself a function (`$ctx.$trigger(flow, payload)`): calling it calls this method; the
   * other methods hang off it as properties.
   */
  readonly callable?: string;
  /**
   * Answers every method name not in `methods`, as Enfyra's `$cache` and
   * `$helpers` proxies do: reading any other string property of this path
   * gives a function (nested names too: `$helpers.$ssh.generateKeyPair`), and
   * calling it calls `fallback` with the dotted name prepended to the
   * arguments — typically to fail with Enfyra's "Cache method not found: del".
   */
  readonly fallback?: HostMethod;
  /** Called after every invocation (success, error or timeout); returns when clean-up is done. */
  onInvocationEnd?(scope: InvocationScope): Promise<void> | void;
}
