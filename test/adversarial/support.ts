/**
 * Shared harness of the adversarial suite: a sandbox with test-only host
 * modules (no backend), a "normal hook" that must keep working after every
 * attack, and checks that nothing reached the host process.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect } from 'vitest';
import { Sandbox } from '../../runtime/sandbox/sandbox.ts';
import { sandboxSchema, type SandboxConfig } from '../../runtime/config/schema.ts';
import { contextData, type HookRequest } from '../../runtime/context/request.ts';
import type { HostModule } from '../../runtime/sandbox/host-module.ts';
import type { ContextData, InvocationOutcome } from '../../runtime/sandbox/invocation.ts';
import { isUnrepresentable } from '../../runtime/shared/wire.ts';
import { createEchoModule } from '../support/echo-module.ts';

/** What the host received, described exactly (JSON text keeps lone surrogates as escapes). */
export function describeHostValue(value: unknown): unknown {
  if (value === undefined) return { type: 'undefined' };
  if (isUnrepresentable(value)) return { marker: value.kind, detail: value.detail };
  const proto = value === null || typeof value !== 'object' ? null : Object.getPrototypeOf(value);
  return {
    type: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value,
    json: JSON.stringify(value),
    ...(proto !== null ? { plainProto: proto === Object.prototype || proto === Array.prototype } : {}),
  };
}

/** Values a (buggy or unusual) host module might hand back to a script. */
export const HOST_VALUES: Record<string, () => unknown> = {
  undefined: () => undefined,
  nan: () => NaN,
  negZero: () => -0,
  infinity: () => Infinity,
  bigint: () => 10n,
  nestedBigint: () => ({ a: [1n] }),
  map: () => new Map([[1, 2]]),
  date: () => new Date(0),
  cycle: () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    return o;
  },
  protoKey: () => JSON.parse('{"__proto__":{"polluted":true},"a":1}'),
  lone: () => '\uD800x\uDC00',
  fn: () => () => 1,
  symbol: () => Symbol('s'),
  sparse: () => [1, , 3], // eslint-disable-line no-sparse-arrays
  nestedUndefined: () => ({ a: undefined, b: [undefined] }),
  throwingToJSON: () => ({
    toJSON() {
      throw new Error('host toJSON failed');
    },
  }),
  long: () => 'y'.repeat(1_000_000),
};

/** `$probe`: reports what the host received, and returns HOST_VALUES to the script. */
export function createProbeModule(): HostModule {
  return {
    path: '$probe',
    methods: {
      inspect: { kind: 'sync', call: (_scope, args) => args.map(describeHostValue) },
      inspectAsync: { kind: 'async', call: async (_scope, args) => args.map(describeHostValue) },
      value: { kind: 'sync', call: (_scope, args) => HOST_VALUES[String(args[0])]!() },
      valueAsync: { kind: 'async', call: async (_scope, args) => HOST_VALUES[String(args[0])]!() },
      argCount: { kind: 'sync', call: (_scope, args) => args.length },
    },
  };
}

/** `$dyn.<anything>.get(...)`: a dynamic-members module (like `$repos`), answering with what it received. */
export function createDynamicModule(): HostModule {
  return {
    path: '$dyn',
    dynamicMembers: true,
    methods: { get: { kind: 'async', call: async (_scope, args) => args } },
  };
}

/** A stand-in for `$cache` (the real one needs a driver): `get(key)` answers `real:<key>`. */
export function createCacheStub(): HostModule {
  return {
    path: '$cache',
    methods: { get: { kind: 'async', call: async (_scope, args) => `real:${String(args[0])}` } },
  };
}

export const ADVERSARIAL_LIMITS: Partial<SandboxConfig> = {
  cpuTimeoutMs: 300,
  wallTimeoutMs: 1500,
  memoryLimitMb: 64,
  maxIsolates: 2,
};

/** Upper bound on how long a hook stopped by its CPU limit may take (the limit, the guard's grace, slack). */
export const CPU_BOUND_MS = 300 + 500 + 700;

export function adversarialSandbox(limits: Partial<SandboxConfig> = {}) {
  const echo = createEchoModule();
  const config = sandboxSchema.parse({ ...ADVERSARIAL_LIMITS, ...limits });
  const sandbox = new Sandbox(config, [echo, createProbeModule(), createDynamicModule(), createCacheStub()]);
  const run = (code: string, request: HookRequest = {}): Promise<InvocationOutcome> =>
    sandbox.invoke({ filename: 'hooks/adversarial.js', code }, contextData(request, { APP_MODE: 'test' }));
  /** Request data handed to the sandbox as is (the request builder's own checks and copies skipped). */
  const runData = (code: string, data: Partial<ContextData>): Promise<InvocationOutcome> =>
    sandbox.invoke({ filename: 'hooks/adversarial.js', code }, { ...contextData({}, { APP_MODE: 'test' }), ...data });

  /** The same sandbox still runs an ordinary hook exactly right, with pristine builtins. */
  async function stillServes(): Promise<void> {
    const r = await run(NORMAL_HOOK, { params: { n: 21 }, body: { ok: true } });
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.data).toStrictEqual(NORMAL_RESULT);
    expect(r.logs).toStrictEqual(['n 21']);
    expect(sandbox.poolSize.live).toBeLessThanOrEqual(config.maxIsolates);
    assertHostClean();
  }

  return { sandbox, run, runData, echo, config, stillServes };
}

export const NORMAL_HOOK = `
  const v = await $ctx.$test.echo({ n: $ctx.$params.n });
  const s = $ctx.$test.echoSync('s');
  $ctx.$logs('n', v.n);
  let status = null;
  try { $ctx.$throw['404']('nf') } catch (e) { status = e.statusCode }
  const cached = await $ctx.$cache.get('k');
  const members = await $ctx.$dyn.users.get(1);
  return {
    doubled: v.n * 2, s, status, cached, members,
    json: JSON.stringify([1, { a: 2 }]),
    parsed: JSON.parse('{"b":3}'),
    mapped: [1, 2].map((x) => x + 1),
    clean: ({}).x === undefined && ({}).polluted === undefined && typeof ({}).toJSON === 'undefined',
    promise: typeof Promise.resolve,
    reflect: Reflect.apply(Math.max, null, [1, 5]),
    wasm: typeof WebAssembly,
    body: $ctx.$body,
  };
`;

export const NORMAL_RESULT = {
  doubled: 42,
  s: 's',
  status: 404,
  cached: 'real:k',
  members: ['users', 1],
  json: '[1,{"a":2}]',
  parsed: { b: 3 },
  mapped: [2, 3],
  clean: true,
  promise: 'function',
  reflect: 5,
  wasm: 'undefined',
  body: { ok: true },
};

// ---- the host process -------------------------------------------------------

const HOST_OBJECT_PROTO = Object.getOwnPropertyNames(Object.prototype).sort();
const HOST_OBJECT_PROTO_SYMBOLS = Object.getOwnPropertySymbols(Object.prototype).length;
/** The host builtins a script might try to reach, as they are now. */
function hostBuiltins() {
  return {
    parse: JSON.parse,
    stringify: JSON.stringify,
    map: Array.prototype.map,
    push: Array.prototype.push,
    join: Array.prototype.join,
    iterator: Array.prototype[Symbol.iterator],
    promise: globalThis.Promise,
    then: Promise.prototype.then,
    apply: Reflect.apply,
    slice: String.prototype.slice,
    hasInstance: Object.getOwnPropertyDescriptor(Error, Symbol.hasInstance),
  };
}
const HOST_BUILTINS = hostBuiltins();

/** Nothing a script did reached the test process. */
export function assertHostClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toStrictEqual(HOST_OBJECT_PROTO);
  expect(Object.getOwnPropertySymbols(Object.prototype).length).toBe(HOST_OBJECT_PROTO_SYMBOLS);
  const probe = {} as Record<string, unknown>;
  for (const key of ['x', 'polluted', 'statusCode', 'toJSON', 'then']) expect(probe[key]).toBeUndefined();
  expect(hostBuiltins()).toStrictEqual(HOST_BUILTINS);
  expect(JSON.stringify({ a: [1] })).toBe('{"a":[1]}');
}

// ---- outcomes ---------------------------------------------------------------

export function expectData(r: InvocationOutcome, data: unknown, logs: string[] = []): void {
  expect(r.error).toBeNull();
  expect(r.ok).toBe(true);
  expect(r.data).toStrictEqual(data);
  expect(r.logs).toStrictEqual(logs);
}

export interface ExpectedError {
  name: string;
  /** Exact message, or a fragment (RegExp). */
  message: string | RegExp;
  statusCode?: number | null;
  limit?: 'cpu' | 'wall' | 'memory';
}

export function expectError(r: InvocationOutcome, e: ExpectedError): void {
  expect(r.ok).toBe(false);
  expect(r.data).toBeNull();
  expect(r.error).not.toBeNull();
  expect(r.error!.name).toBe(e.name);
  if (typeof e.message === 'string') expect(r.error!.message).toBe(e.message);
  else expect(r.error!.message).toMatch(e.message);
  expect(r.error!.statusCode).toBe(e.statusCode ?? null);
  expect(r.error!.limit).toBe(e.limit);
}

export const cpuTimeout = (ms = 300): ExpectedError => ({
  name: 'TimeoutError',
  message: `hook used more than its CPU time limit (sandbox.cpuTimeoutMs = ${ms} ms)`,
  limit: 'cpu',
});

/** Enfyra's ScriptTimeoutException (408 SCRIPT_TIMEOUT), naming the invocation's timeout. */
export const wallTimeout = (ms = 1500): ExpectedError => ({
  name: 'ScriptTimeoutException',
  message: `Script execution timed out after ${ms}ms`,
  statusCode: 408,
  limit: 'wall',
});

export const memoryLimit = (mb = 64): ExpectedError => ({
  name: 'MemoryLimitError',
  message: `hook exceeded the memory limit (sandbox.memoryLimitMb = ${mb} MB)`,
  limit: 'memory',
});

/** A change to a frozen built-in or global (the realm is shared by an isolate's invocations). */
export const frozen = (): ExpectedError => ({
  name: 'TypeError',
  message: / \(built-ins and globals are frozen: they are shared between invocations; in Enfyra this change would leak into other requests\)$/,
});

export const nonError = (text: string): ExpectedError => ({
  name: 'Error',
  message: `hook threw a non-Error value: ${text}`,
});

// ---- host memory ------------------------------------------------------------

let gcFn: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
if (!gcFn) {
  v8.setFlagsFromString('--expose-gc');
  gcFn = vm.runInNewContext('gc') as () => void;
}

/** RSS after a full GC (and a moment for isolated-vm to free disposed isolates). */
export async function settledRss(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gcFn!();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().rss;
}

export const MB = 1024 * 1024;
