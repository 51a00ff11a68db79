/**
 * One invocation's calls to host methods (`$cache.get(...)`, `$repos.x.find(...)`): a sync call waits for
 * its reply; an async call is posted and its promise settled when the host's reply arrives (`settle`).
 */
import { LAST_SYNC_CALL, MESSAGE, REPLY, type IsolateLimits } from '../protocol.ts';
import { MapCtor, PromiseCtor, RangeErrorCtor, mapDelete, mapGet, mapSet, reflectApply, slice } from './intrinsics.ts';
import { hostRaw, postRaw } from './bridge.ts';
import { encodeArgs } from './encode.ts';
import { decodeReply } from './replies.ts';
import { callSiteStack, captureCallSite, type CallSite } from './errors.ts';

export interface HostCalls {
  callSync(op: string, args: unknown[]): unknown;
  callAsync(op: string, args: unknown[]): Promise<unknown>;
  /** Settles the async call `id` with the host's reply; a call no longer pending is ignored. */
  settle(id: number, reply: string): void;
}

/** The call's promise functions, and where it was called (its stack is formatted only if the host asks). */
type Pending = [resolve: (v: unknown) => void, reject: (e: unknown) => void, site: CallSite];

export function hostCalls(invId: number, limits: IsolateLimits): HostCalls {
  let pendingCount = 0;
  let nextCallId = 1;
  const pending = new MapCtor<number, Pending>();

  function callSync(op: string, args: unknown[]): unknown {
    // Indexing, not destructuring: a script may have replaced the array iterator.
    const encoded = encodeArgs(args);
    // Still inside the call: its site is where we are, recorded only if the host asks.
    return decodeReply(answered(hostRaw(MESSAGE.syncCall, invId, op, encoded[0], encoded[1]), LAST_SYNC_CALL, null));
  }

  /**
   * The reply without its locate tag. The tag says the call raised warnings: the host is told where the
   * call was made (`site`, or here when null), so the warnings can name the script's line.
   */
  function answered(reply: string, callId: number, site: CallSite | null): string {
    if (reply[0] !== REPLY.locate) return reply;
    const stack = callSiteStack(site ?? captureCallSite());
    if (stack !== null) postRaw(MESSAGE.callSite, invId, callId, stack);
    return slice(reply, 1);
  }

  function callAsync(op: string, args: unknown[]): Promise<unknown> {
    if (pendingCount >= limits.maxPendingHostCalls) {
      return rejectLater(new RangeErrorCtor(`too many host calls in flight (limit ${limits.maxPendingHostCalls}): await them before starting more`));
    }
    let json: string, specials: string;
    try {
      const encoded = encodeArgs(args);
      json = encoded[0];
      specials = encoded[1];
    } catch (err) {
      return new PromiseCtor((_, reject) => reject(err));
    }
    const id = nextCallId++;
    pendingCount++;
    const site = captureCallSite();
    return new PromiseCtor((resolve, reject) => {
      reflectApply(mapSet, pending, [id, [resolve, reject, site]]);
      postRaw(MESSAGE.asyncCall, invId, op, json, specials, id);
    });
  }

  function settle(id: number, reply: string): void {
    const entry = reflectApply(mapGet, pending, [id]) as Pending | undefined;
    if (!entry) return;
    reflectApply(mapDelete, pending, [id]);
    pendingCount--;
    let value: unknown;
    try {
      value = decodeReply(answered(reply, id, entry[2]));
    } catch (err) {
      entry[1](err);
      return;
    }
    entry[0](value);
  }

  return { callSync, callAsync, settle };
}

/**
 * A promise that rejects one microtask later, once the caller has attached its handlers.
 * Rejecting at once would register every refused call as an unhandled rejection that
 * isolated-vm then searches linearly when the handler arrives: quadratic in a flood.
 */
async function rejectLater(err: unknown): Promise<never> {
  await undefined;
  throw err;
}
