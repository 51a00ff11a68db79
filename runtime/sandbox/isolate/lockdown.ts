/**
 * Freezes the shared realm before anything else in the bootstrap runs (SES, loaded just before the
 * bootstrap): every module that captures intrinsics imports this one, so what it captures is the
 * hardened intrinsic. Then `lockdown` and `harden` leave the global object; only the bootstrap keeps harden.
 */
import type { Harden } from 'ses';

// `overrideTaming: 'moderate'` keeps `err.name = ...` and `obj.toString = ...` working on a script's own
// objects; errorTaming 'unsafe' keeps V8 stacks (for error positions).
globalThis.lockdown({
  errorTaming: 'unsafe',
  stackFiltering: 'verbose',
  overrideTaming: 'moderate',
  consoleTaming: 'unsafe',
  evalTaming: 'unsafe-eval',
  reporting: 'none',
});

export const harden: Harden = globalThis.harden;

const sesGlobals: Partial<Pick<typeof globalThis, 'lockdown' | 'harden'>> = globalThis;
delete sesGlobals.lockdown;
delete sesGlobals.harden;
