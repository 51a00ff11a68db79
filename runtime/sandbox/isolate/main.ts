/**
 * The bootstrap: the code that runs inside each isolate's one context, once, after SES's shim. Bundled by
 * esbuild (../isolate-bundle.ts) into a script the host runs with its configuration (../bootstrap-source.ts);
 * `boot`'s return value, the entry function, is the script's completion value (the host keeps it as a
 * Reference). See ../protocol.ts for the messages.
 *
 * Importing ./lockdown.ts first freezes the shared realm before any other module captures a built-in
 * (./intrinsics.ts). `boot` then loads the packages, installs the globals scripts get, and freezes those
 * too: nothing a script can reach may carry state to the next invocation. Strict (the host's wrapper says
 * so), so `fn.caller` and stack frames never hand a script a bridge function. Nothing here may throw to the
 * host while a hook runs: the host copies an escaped exception by running its getters without a time limit
 * (see ../invocation.ts).
 */
import { harden } from './lockdown.ts';
import { ENTRY, MESSAGE, type ContextData, type IsolateConfig, type IsolateEntry } from '../protocol.ts';
import { parse, stringify } from './intrinsics.ts';
import { hostRaw } from './bridge.ts';
import { decodeReply } from './replies.ts';
import { loadPackages } from './packages.ts';
import { installWebGlobals, type AskIntrinsic } from './web-globals.ts';
import { sharedConsole } from './console.ts';
import { throwMaker } from './throw.ts';
import { newInvocation, type Invocation, type RealmSetup } from './run.ts';
import { ctxBuilder } from './ctx.ts';

export function boot(config: IsolateConfig): IsolateEntry {
  const packages = loadPackages(config);
  // WebAssembly memories are allocated outside the isolate heap, so they escape
  // memoryLimitMb (a 64 MB isolate can commit gigabytes of host memory). Hooks have no use for it.
  delete globalThis.WebAssembly;

  /** The invocation running in this context now (one at a time), for the globals shared by all of them. */
  let current: Invocation | null = null;

  // Enfyra's worker defines these for scripts (K:EW:262; K:WST:227-339).
  const intrinsic = ((name, args) => decodeReply(hostRaw(MESSAGE.intrinsic, current === null ? 0 : current.id, name, stringify(args)))) as AskIntrinsic;
  installWebGlobals(globalThis, intrinsic);
  globalThis.global = globalThis;
  globalThis.console = sharedConsole(() => (current === null ? null : current.log));
  // Nothing a script can reach may carry state to the next invocation: freeze the globals too.
  harden(globalThis);

  const realm: RealmSetup = { buildCtx: ctxBuilder(config.manifest), limits: config.limits, packages, makeThrow: throwMaker(config.statuses) };

  /**
   * The host's one way in: `('s', id, requestJson, hookFn)` starts an invocation, `('r', id, repliesJson)`
   * delivers its host-call replies (all that are ready, in one entry). Replies for any other invocation
   * than the running one are dropped.
   */
  return function entry(kind, invId, payload, fn) {
    if (kind === ENTRY.start) {
      let request: unknown;
      try {
        request = parse(payload);
      } catch {
        return;
      }
      current = newInvocation(invId, request as ContextData, realm);
      current.run(fn!);
      return;
    }
    if (kind === ENTRY.replies && current !== null && current.id === invId) {
      const replies = parse(payload) as Array<[callId: number, reply: string]>;
      for (let i = 0; i < replies.length; i++) current.settle(replies[i]![0], replies[i]![1]);
    }
  };
}
