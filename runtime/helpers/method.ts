import type { HostArg, HostMethod, InvocationScope } from '../sandbox/host-module.ts';

type Impl<R> = (args: HostArg[], scope: InvocationScope) => R;

/** Returns its value straight to the script. */
export function syncMethod(impl: Impl<unknown>): HostMethod {
  return { kind: 'sync', call: (scope, args) => impl(args, scope) };
}

/** Returns a promise to the script; a validation error rejects it rather than throwing. */
export function asyncMethod(impl: Impl<Promise<unknown>>): HostMethod {
  return { kind: 'async', call: async (scope, args) => impl(args, scope) };
}
