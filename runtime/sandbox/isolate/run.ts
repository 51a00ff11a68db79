/**
 * One invocation: everything it owns (its `$ctx`, its host calls in flight, its log counts). Messages to
 * the host carry the invocation's id, so whatever an ended invocation left behind (a promise that settles
 * later, a function kept somewhere) only reaches the host as a message it drops.
 */
import { MESSAGE, type ContextData, type HookFunction, type IsolateLimits } from '../protocol.ts';
import { postRaw } from './bridge.ts';
import type { CtxBuilder } from './ctx.ts';
import { hostCalls } from './host-calls.ts';
import { installLogs } from './logs.ts';
import { outcome } from './outcome.ts';

export interface Invocation {
  readonly id: number;
  /** Runs the hook (once); its outcome is posted when it settles. */
  run(fn: HookFunction): void;
  /** Settles one of its host calls with the host's reply. */
  settle(id: number, reply: string): void;
  /** Its `$logs`, for the shared console. */
  log(...args: unknown[]): void;
}

/** What every invocation on this isolate shares. */
export interface RealmSetup {
  buildCtx: CtxBuilder;
  limits: IsolateLimits;
  packages: Record<string, unknown>;
  makeThrow: () => object;
}

export function newInvocation(invId: number, request: ContextData, realm: RealmSetup): Invocation {
  const { limits } = realm;
  const calls = hostCalls(invId, limits);
  const $ctx = realm.buildCtx(request, realm.packages, calls);
  const logs = installLogs($ctx, invId, limits);
  $ctx.$throw = realm.makeThrow();
  let started = false;

  /** Reports the outcome; never throws (a getter, proxy or replaced builtin only spoils its own part). */
  function finish(ok: boolean, value: unknown): void {
    const payload = outcome(ok, value, $ctx, logs, limits);
    try {
      postRaw(MESSAGE.done, invId, payload);
    } catch {
      // The host has ended the invocation already.
    }
  }

  /** Waits for the hook without `then` lookups a script could have replaced (Promise[Symbol.species]). */
  async function watch(promise: Promise<unknown>): Promise<void> {
    let value: unknown;
    try {
      value = await promise;
    } catch (err) {
      finish(false, err);
      return;
    }
    finish(true, value);
  }

  function run(fn: HookFunction): void {
    if (started) return;
    started = true;
    let promise: Promise<unknown>;
    try {
      promise = fn($ctx);
    } catch (err) {
      finish(false, err);
      return;
    }
    watch(promise);
  }

  return { id: invId, run, settle: calls.settle, log: logs.log };
}
