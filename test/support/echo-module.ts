/** A test-only host module: exercises the bridge extension point without any real backend. */
import type { HostModule } from '../../runtime/sandbox/host-module.ts';
import { isUnrepresentable } from '../../runtime/shared/wire.ts';
import { HttpError } from '../../runtime/shared/http-errors.ts';

export function createEchoModule(): HostModule & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    path: '$test',
    calls,
    methods: {
      echo: {
        kind: 'async',
        call: (_scope, args) => {
          calls.push(args);
          return Promise.resolve(args[0]);
        },
      },
      echoSync: { kind: 'sync', call: (_scope, args) => args[0] },
      describe: {
        kind: 'sync',
        call: (_scope, args) => args.map((a) => (a === undefined ? 'undefined' : isUnrepresentable(a) ? `bad:${a.kind}` : typeof a)),
      },
      fail: {
        kind: 'async',
        call: async (_scope, args) => {
          if (typeof args[0] === 'number') throw new HttpError(args[0], String(args[1] ?? 'failed'));
          throw new TypeError(String(args[1] ?? 'bad argument'));
        },
      },
      failSync: {
        kind: 'sync',
        call: () => {
          throw new RangeError('out of range');
        },
      },
      never: { kind: 'async', call: () => new Promise(() => {}) },
      // Warn as members do: at the call, or only after an await.
      warn: {
        kind: 'async',
        call: (scope, args) => {
          scope.warn('test.warned', String(args[0]));
          return Promise.resolve(args[0]);
        },
      },
      warnSync: {
        kind: 'sync',
        call: (scope, args) => {
          scope.warn('test.warned', String(args[0]));
          return args[0];
        },
      },
      warnLater: {
        kind: 'async',
        call: async (scope, args) => {
          await new Promise((r) => setTimeout(r, 1));
          scope.warn('test.warned', String(args[0]));
          return args[0];
        },
      },
      delay: { kind: 'async', call: (_scope, args) => new Promise((r) => setTimeout(() => r(args[1]), Number(args[0]))) },
    },
  };
}
