/**
 * Source of the code that runs inside each isolate's one context: it freezes
 * the shared realm (SES lockdown, then harden of the globals), builds a fresh
 * `$ctx` per invocation from the request JSON and the host-module manifest,
 * and owns the isolate's half of the bridge.
 *
 * Protocol (all strings, so nothing but copies crosses). Into the isolate, one
 * entry function (IsolateEntry):
 *     entry('s', invId, requestJson, hookFn)    start an invocation (one entry)
 *     entry('r', invId, repliesJson)            settle its host calls: [[callId, reply], ...]
 * Out of it, two ivm.Callbacks on the same host function, `host` (waits for
 * the reply) and `post` (`ignored`: fire-and-forget, so an entry on
 * isolated-vm's thread pool does not stop for a round trip to the Node thread);
 * every message carries the invocation's id, and the host drops those of an
 * invocation that has ended:
 *     host('s', invId, op, argsJson, specialsJson)      sync call  -> reply
 *     host('x', invId, name, argsJson)                  web intrinsic (URL parsing) -> reply
 *     post('a', invId, op, argsJson, specialsJson, id)  async call (settled later by entry('r'))
 *     post('l', invId, line, entriesJson)               one $logs call: display line + JSON entries
 *     post('d', invId, outcomeJson)                     the hook finished
 *   reply: 'u' (undefined) | 'v' + json | 'e' + json({ name, message, statusCode? })
 *
 * Everything the bridge relies on (JSON, Promise, WeakSet, String.prototype.slice,
 * ...) is captured before user code runs, and objects it serializes have no
 * prototype. Nothing here may throw to the host: the host copies an escaped
 * exception by running its getters without a time limit (see invocation.ts).
 */
import { missingPackageMessage } from '../shared/enfyra-messages.ts';
import type { HostModule } from './host-module.ts';
import { HTTP_ERROR_NAMES } from '../shared/http-errors.ts';
import { installWebGlobals } from './web-globals-source.ts';

export interface BootstrapLimits {
  maxLogs: number;
  maxLogLineChars: number;
  maxPendingHostCalls: number;
  maxResultBytes: number;
}

export interface ManifestEntry {
  path: string;
  dynamic: boolean;
  callable: string | null;
  methods: Record<string, 'sync' | 'async'>;
  /** How the module's fallback for unknown method names is called, if it has one. */
  fallback: 'sync' | 'async' | null;
}

export function buildManifest(modules: readonly HostModule[]): ManifestEntry[] {
  return modules.map((m) => ({
    path: m.path,
    dynamic: m.dynamicMembers === true,
    callable: m.callable ?? null,
    methods: Object.fromEntries(Object.entries(m.methods).map(([name, method]) => [name, method.kind])),
    fallback: m.fallback?.kind ?? null,
  }));
}

/**
 * The bootstrap script, run once per isolate in its one context, after SES's lockdown script. Its
 * completion value is the isolate's entry function (see IsolateEntry; the host keeps it as a Reference).
 */
/**
 * An installed package as the isolate loads it: `source` is a script whose completion value is the
 * package (members/pkgs/bundle.ts builds it). Loaded once per isolate, after lockdown, then frozen with
 * the rest of the shared realm.
 */
export interface IsolatePackage {
  name: string;
  source: string;
}

export function bootstrapSource(manifest: ManifestEntry[], limits: BootstrapLimits, packages: readonly IsolatePackage[] = []): string {
  const [missingBefore, missingAfter] = missingPackageMessage('\0').split('\0');
  const config = JSON.stringify({ manifest, limits, statuses: HTTP_ERROR_NAMES, packages, missingPackage: [missingBefore, missingAfter] });
  // Strict, so `fn.caller` and stack frames (Error.prepareStackTrace) never hand a script a bridge function.
  return `'use strict';(${isolateMain.toString()})(${config}, ${installWebGlobals.toString()});`;
}

/**
 * Hook source as a script whose value is the hook function (made once per isolate, called per
 * invocation): line 1 of the user's file stays line 1 with `lineOffset: -1`. Strict, as Enfyra's worker
 * runs scripts (its template starts with 'use strict').
 */
export function hookScriptSource(body: string): string {
  return `(async function ($ctx) {'use strict';\n${body}\n})`;
}

// ---------------------------------------------------------------------------
// Everything below runs INSIDE the isolate. It is plain JavaScript kept in
// TypeScript for editor support; it must not reference anything outside
// its own body.
// ---------------------------------------------------------------------------

/* eslint-disable */
function isolateMain(config: {
  manifest: ManifestEntry[];
  limits: BootstrapLimits;
  /** status -> exception name */
  statuses: Record<string, string>;
  packages: IsolatePackage[];
  /** Enfyra's message for a package that is not installed, around the name. */
  missingPackage: [string, string];
}, webGlobals: typeof installWebGlobals): IsolateEntry {
  const g: any = globalThis;
  // Freeze the shared realm first (SES, loaded just before this script): every intrinsic captured below
  // is the hardened one. `overrideTaming: 'moderate'` keeps `err.name = ...` and `obj.toString = ...`
  // working on a script's own objects; errorTaming 'unsafe' keeps V8 stacks (for error positions).
  g.lockdown({
    errorTaming: 'unsafe', stackFiltering: 'verbose', overrideTaming: 'moderate', consoleTaming: 'unsafe',
    evalTaming: 'unsafe-eval', reporting: 'none',
  });
  const hardenFn: (value: unknown) => unknown = g.harden;
  delete g.lockdown;
  delete g.harden;

  const hostRaw: (...args: unknown[]) => string = g.__enfyraHost;
  const postRaw: (...args: unknown[]) => void = g.__enfyraPost;
  delete g.__enfyraHost;
  delete g.__enfyraPost;

  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const PromiseCtor = Promise;
  const reflectApply = Reflect.apply;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const WeakSetCtor = WeakSet;
  const WeakMapCtor = WeakMap;
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const weakSetHas = WeakSet.prototype.has;
  const weakSetAdd = WeakSet.prototype.add;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const StringCtor = String;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const freeze = Object.freeze;
  const ProxyCtor = Proxy;
  const stringSlice = String.prototype.slice;
  const parseIntFn = parseInt;
  const stringIncludes = String.prototype.includes;
  const hasOwn = Object.prototype.hasOwnProperty;
  const reflectGet = Reflect.get;

  // Installed packages ($ctx.$pkgs.<name>, require(name)), as Enfyra's worker offers them: evaluated once in
  // the shared realm, after the bridge's globals are gone (a package never sees them), and frozen, so no
  // invocation can change what the next one gets.
  const packages: Record<string, unknown> = {};
  const indirectEval = eval;
  for (const pkg of config.packages) packages[pkg.name] = indirectEval(pkg.source);
  hardenFn(packages);
  g.require = function require(name: unknown): unknown {
    if (typeof name === 'string' && reflectApply(hasOwn, packages, [name])) return packages[name];
    throw new ErrorCtor(config.missingPackage[0] + StringCtor(name) + config.missingPackage[1]);
  };
  // Function.prototype[Symbol.hasInstance] is non-writable: `instanceof` without Error[Symbol.hasInstance].
  const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];
  const limits = config.limits;
  // V8's own `stack` accessor and the untouched Error.prepareStackTrace: reading a stack through them runs no script code.
  const stackGetter = getOwnPropertyDescriptor(new ErrorCtor(''), 'stack')?.get;
  const prepareStackTraceAtStart = getOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace');

  // WebAssembly memories are allocated outside the isolate heap, so they escape
  // memoryLimitMb (a 64 MB isolate can commit gigabytes of host memory). Hooks have no use for it.
  delete g.WebAssembly;

  const slice = (s: string, start: number, end?: number): string => reflectApply(stringSlice, s, [start, end]);
  /** `value instanceof Error`, immune to a replaced Error[Symbol.hasInstance]; false when a proxy trap throws. */
  function isError(value: unknown): boolean {
    try {
      return reflectApply(ordinaryHasInstance, ErrorCtor, [value]) === true;
    } catch {
      return false;
    }
  }

  // ---- values going out -------------------------------------------------
  function unrepresentable(value: unknown, path: string): [string, string] | null {
    const t = typeof value;
    if (t === 'function') return ['function', `function at ${path || 'top level'}`];
    if (t === 'symbol') return ['symbol', `symbol at ${path || 'top level'}`];
    if (t === 'bigint') return ['bigint', `BigInt at ${path || 'top level'}`];
    return null;
  }

  /** JSON text of `value`, or a [kind, detail] pair saying why it has none. */
  function encode(value: unknown): string | [string, string] {
    const top = unrepresentable(value, '');
    if (top) return top;
    let bad: [string, string] | null = null;
    let text: string;
    try {
      text = stringify(value, function (this: any, key: string, v: unknown) {
        if (bad) return undefined;
        const why = unrepresentable(v, key === '' ? '' : '.' + key);
        if (why) {
          bad = why;
          return undefined;
        }
        return v;
      });
    } catch (err) {
      const message = safeMessage(err);
      if (reflectApply(stringIncludes, message, ['circular'])) return ['circular', 'circular structure'];
      return ['unserializable', message];
    }
    if (bad) return bad;
    return text === undefined ? 'null' : text;
  }

  function encodeArgs(args: unknown[]): [string, string] {
    let json = '[';
    let specials: Record<number, [string, string]> | null = null;
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      let part = 'null';
      if (value === undefined) {
        (specials ||= { __proto__: null } as any)[i] = ['undefined', ''];
      } else {
        const enc = encode(value);
        if (typeof enc === 'string') part = enc;
        else (specials ||= { __proto__: null } as any)[i] = enc;
      }
      json += (i ? ',' : '') + part;
    }
    return [json + ']', specials ? stringify(specials) : ''];
  }

  /**
   * JSON text of a value leaving as data (the result, `$body`, details): JSON.stringify's own rules, as
   * Enfyra copies it (a function member is dropped, a function in an array becomes null). A top-level
   * function or symbol, a BigInt or a cycle gives [kind, detail] instead.
   */
  function encodeResult(value: unknown): string | [string, string] {
    const top = unrepresentable(value, '');
    if (top) return top;
    let text: string;
    try {
      text = stringify(value);
    } catch (err) {
      const message = safeMessage(err);
      if (reflectApply(stringIncludes, message, ['circular'])) return ['circular', 'circular structure'];
      if (reflectApply(stringIncludes, message, ['BigInt'])) return ['bigint', 'BigInt'];
      return ['unserializable', message];
    }
    return text === undefined ? 'null' : text;
  }

  /**
   * The stack of a thrown Error (where it came from in the hook), cut short; null when reading it could
   * run script code: a `stack` the script redefined, or an Error.prepareStackTrace it installed.
   */
  function safeStack(err: unknown): string | null {
    if (!isError(err) || stackGetter === undefined) return null;
    try {
      const own = getOwnPropertyDescriptor(err, 'stack');
      if (!own || own.get !== stackGetter) return null;
      const now = getOwnPropertyDescriptor(ErrorCtor, 'prepareStackTrace');
      if (!sameDescriptor(now, prepareStackTraceAtStart)) return null;
      const stack = reflectApply(stackGetter, err, []);
      return typeof stack === 'string' ? slice(stack, 0, 4000) : null;
    } catch {
      return null;
    }
  }

  function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return a.value === b.value && a.get === b.get && a.set === b.set;
  }

  function safeMessage(err: unknown): string {
    try {
      if (err && typeof err === 'object' && 'message' in (err as object)) {
        const m = (err as any).message;
        return typeof m === 'string' ? m : StringCtor(m);
      }
      return StringCtor(err);
    } catch {
      return '(error message could not be read)';
    }
  }

  function safeName(err: unknown): string {
    try {
      if (isError(err)) {
        const n = (err as any).name;
        return typeof n === 'string' && n ? n : 'Error';
      }
    } catch {}
    return 'Error';
  }

  // ---- errors -----------------------------------------------------------
  /** Errors raised by `$throw` and host replies: status, Enfyra error code and details, out of a script's reach. */
  const statusOf = new WeakSetCtor<object>();
  // Weak: the realm outlives the invocations, and so would every error a Map kept.
  const statusCodes = new WeakMapCtor<object, [number, string | null, unknown]>();

  function markStatus(err: object, status: number, code: string | null = null, details: unknown = null): void {
    reflectApply(weakSetAdd, statusOf, [err]);
    reflectApply(weakMapSet, statusCodes, [err, [status, code, details]]);
  }

  function statusError(status: number, name: string, code: string | null, message: string, details: unknown): Error {
    const err = new ErrorCtor(message);
    defineProperty(err, 'name', { value: name, writable: true, configurable: true, enumerable: false });
    defineProperty(err, 'statusCode', { value: status, enumerable: true });
    if (details !== undefined && details !== null) defineProperty(err, 'details', { value: details, enumerable: true });
    markStatus(err, status, code, details);
    return err;
  }

  /** Enfyra's default message per status when `$throw[status]()` gets none (worker-setup-template). */
  const THROW_DEFAULTS: Record<string, string> = {
    __proto__: null as any,
    400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict',
    422: 'Validation failed', 429: 'Too many requests', 500: 'Internal server error', 503: 'Service unavailable',
  };

  /** `$throw.<form>(...)`: Enfyra's ScriptErrorFactory forms, as [status, code, class name, message and details]. */
  type Form = [number, string, string, (a: any, b: any, c: any) => [string, unknown]];
  const str = (v: unknown): string => '' + (v as string);
  const THROW_FORMS: Record<string, Form> = {
    __proto__: null as any,
    businessLogic: [400, 'BUSINESS_LOGIC_ERROR', 'BusinessLogicException', (m, d) => [str(m), d]],
    validation: [422, 'VALIDATION_ERROR', 'ValidationException', (m, d) => [str(m), d]],
    notFound: [404, 'RESOURCE_NOT_FOUND', 'ResourceNotFoundException', (r, id) => [id ? `${r} with identifier '${id}' not found` : `${r} not found`, { resource: r, identifier: id }]],
    duplicate: [409, 'DUPLICATE_RESOURCE', 'DuplicateResourceException', (r, f, v) => [`${r} with ${f} '${v}' already exists`, { resource: r, field: f, value: v }]],
    unauthorized: [401, 'AUTHENTICATION_ERROR', 'AuthenticationException', (m) => [m || 'Unauthorized', undefined]],
    forbidden: [403, 'AUTHORIZATION_ERROR', 'AuthorizationException', (m) => [m || 'Forbidden', undefined]],
    tokenExpired: [401, 'TOKEN_EXPIRED', 'TokenExpiredException', () => ['Token has expired', undefined]],
    invalidToken: [401, 'INVALID_TOKEN', 'InvalidTokenException', () => ['Invalid token provided', undefined]],
    database: [500, 'DATABASE_ERROR', 'DatabaseException', (m, d) => [str(m), d]],
    dbQuery: [400, 'DATABASE_QUERY_ERROR', 'DatabaseQueryException', (m, d) => [str(m), d]],
    externalService: [502, 'EXTERNAL_SERVICE_ERROR', 'ExternalServiceException', (s, m, d) => [`External service '${s}' error: ${m}`, { service: s, details: d }]],
    serviceUnavailable: [503, 'SERVICE_UNAVAILABLE', 'ServiceUnavailableException', (s) => [`Service '${s}' is currently unavailable`, { service: s }]],
    rateLimit: [429, 'RATE_LIMIT_EXCEEDED', 'RateLimitExceededException', (l, w) => [`Rate limit exceeded. Maximum ${l} requests per ${w}`, { limit: l, window: w }]],
    scriptError: [400, 'SCRIPT_EXECUTION_ERROR', 'ScriptExecutionException', (m, id, d) => [`Script execution failed: ${m}`, { scriptId: id, ...d }]],
    scriptTimeout: [408, 'SCRIPT_TIMEOUT', 'ScriptTimeoutException', (ms, id) => [`Script execution timed out after ${ms}ms`, { timeoutMs: ms, scriptId: id }]],
    schema: [400, 'SCHEMA_ERROR', 'SchemaException', (m, d) => [str(m), d]],
    config: [500, 'CONFIGURATION_ERROR', 'ConfigurationException', (m, key) => [`Configuration error: ${m}`, { configKey: key }]],
    fileUpload: [400, 'FILE_UPLOAD_ERROR', 'FileUploadException', (m, d) => [str(m), d]],
    fileNotFound: [404, 'FILE_NOT_FOUND', 'FileNotFoundException', (p) => [`File not found: ${p}`, { filePath: p }]],
    fileSizeExceeded: [413, 'FILE_SIZE_EXCEEDED', 'FileSizeExceededException', (max, actual) => [`File size exceeded. Maximum: ${max}, Actual: ${actual}`, { maxSize: max, actualSize: actual }]],
  };

  function statusName(status: number): string {
    const name = config.statuses[status];
    return typeof name === 'string' ? name : 'HttpException';
  }

  /**
   * Enfyra's `$throw` is a proxy: any key is a status (`$throw['418']('teapot')`), a missing or empty message
   * becomes the status's default, and `details` is the second argument as given. Named keys are the
   * ScriptErrorFactory forms (`http`, `notFound`, `duplicate`, ...).
   */
  function makeThrow(): object {
    const http = function (status: unknown, message: unknown, details?: unknown): never {
      const code = +(status as number);
      throw statusError(code, statusName(code), 'HTTP_ERROR', typeof message === 'string' ? message : stringify(message) ?? str(message), details);
    };
    const byKey = new MapCtor<string, Function>();
    return new ProxyCtor(freeze({}), {
      get(_target, key) {
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        let fn = reflectApply(mapGet, byKey, [key]) as Function | undefined;
        if (fn) return fn;
        if (key === 'http') fn = http;
        else if (reflectApply(hasOwn, THROW_FORMS, [key])) {
          const form = THROW_FORMS[key]!;
          fn = function (a?: unknown, b?: unknown, c?: unknown): never {
            const made = form[3](a, b, c);
            throw statusError(form[0], form[2], form[1], made[0], made[1]);
          };
        } else {
          const code = parseIntFn(key, 10);
          fn = function (message?: unknown, details?: unknown): never {
            const text = message !== undefined && message !== null && message !== '' ? StringCtor(message) : (THROW_DEFAULTS[key] ?? 'Error');
            if (code !== code) throw new ErrorCtor(text); // not a number: a plain error, as in Enfyra
            throw statusError(code, statusName(code), 'HTTP_ERROR', text, details || null);
          };
        }
        reflectApply(mapSet, byKey, [key, fn]);
        return fn;
      },
      set() { return false; },
      defineProperty() { return false; },
      deleteProperty() { return false; },
    });
  }

  function errorFromReply(payload: string): Error {
    const info = parse(payload);
    const Ctor = info.name === 'TypeError' ? TypeErrorCtor : info.name === 'RangeError' ? RangeErrorCtor : ErrorCtor;
    const err = new Ctor(info.message);
    if (info.name !== 'TypeError' && info.name !== 'RangeError') {
      defineProperty(err, 'name', { value: info.name, writable: true, configurable: true, enumerable: false });
    }
    if (reflectApply(hasOwn, info, ['statusCode']) && typeof info.statusCode === 'number') {
      defineProperty(err, 'statusCode', { value: info.statusCode, enumerable: true });
      markStatus(err, info.statusCode);
    }
    return err;
  }

  function decodeReply(reply: string): unknown {
    const tag = reply[0];
    if (tag === 'u') return undefined;
    if (tag === 'v') return parse(slice(reply, 1));
    throw errorFromReply(slice(reply, 1));
  }

  // Enfyra's worker defines these for scripts (K:EW:262; K:WST:227-339).
  webGlobals(g, (name, args) => decodeReply(hostRaw('x', current === null ? 0 : current.id, name, stringify(args))));
  g.global = g;

  // ---- one invocation ----------------------------------------------------
  /**
   * Everything an invocation owns: its `$ctx`, its host calls in flight, its log counts. Messages to the
   * host carry the invocation's id, so whatever an ended invocation left behind (a promise that settles
   * later, a function kept somewhere) only reaches the host as a message it drops.
   */
  function newRun(invId: number, request: any): Run {
  function host(kind: string, a: unknown, b: unknown, c: unknown): string {
    return hostRaw(kind, invId, a, b, c);
  }
  function post(kind: string, a: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    postRaw(kind, invId, a, b, c, d);
  }

  // ---- host calls -------------------------------------------------------
  let pendingCount = 0;
  let nextCallId = 1;
  const pending = new MapCtor<number, [(v: unknown) => void, (e: unknown) => void]>();

  function callSync(op: string, args: unknown[]): unknown {
    // Indexing, not destructuring: a script may have replaced the array iterator.
    const encoded = encodeArgs(args);
    return decodeReply(host('s', op, encoded[0], encoded[1]));
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
    return new PromiseCtor((resolve, reject) => {
      reflectApply(mapSet, pending, [id, [resolve, reject]]);
      post('a', op, json, specials, id);
    });
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

  function settle(id: number, reply: string): void {
    const entry = reflectApply(mapGet, pending, [id]) as [(v: unknown) => void, (e: unknown) => void] | undefined;
    if (!entry) return;
    reflectApply(mapDelete, pending, [id]);
    pendingCount--;
    let value: unknown;
    try {
      value = decodeReply(reply);
    } catch (err) {
      entry[1](err);
      return;
    }
    entry[0](value);
  }

  // ---- $ctx ---------------------------------------------------------------
  function stub(op: string, kind: 'sync' | 'async', prefixArg?: string) {
    if (kind === 'sync') {
      return prefixArg === undefined
        ? function (...args: unknown[]) { return callSync(op, args); }
        : function (...args: unknown[]) { return callSync(op, withPrefix(prefixArg, args)); };
    }
    return prefixArg === undefined
      ? function (...args: unknown[]) { return callAsync(op, args); }
      : function (...args: unknown[]) { return callAsync(op, withPrefix(prefixArg, args)); };
  }

  /** `[prefix, ...args]` without the (replaceable) array iterator. */
  function withPrefix(prefix: string, args: unknown[]): unknown[] {
    const out: unknown[] = [prefix];
    for (let i = 0; i < args.length; i++) out[i + 1] = args[i];
    return out;
  }

  const $ctx: any = {
    $params: request.params,
    $query: request.query,
    $body: request.body,
    $user: request.user,
    $req: request.req,
    $share: request.share,
    $data: request.data,
    $statusCode: request.statusCode,
    $api: request.api,
    $env: request.env,
    $pkgs: packages,
  };
  if (request.extra !== null && typeof request.extra === 'object') {
    for (const name in request.extra) $ctx[name] = request.extra[name];
  }

  function ensurePath(path: string): any {
    let node = $ctx;
    for (const part of path.split('.')) {
      if (node[part] === undefined) node[part] = {};
      node = node[part];
    }
    return node;
  }

  for (const entry of config.manifest) {
    if (entry.dynamic) {
      const members = new MapCtor<string, object>();
      const segments = entry.path.split('.');
      const last = segments.pop()!;
      const parent = segments.length ? ensurePath(segments.join('.')) : $ctx;
      parent[last] = new ProxyCtor(
        {},
        {
          get(_target, name) {
            if (typeof name !== 'string') return undefined;
            let member = reflectApply(mapGet, members, [name]);
            if (!member) {
              member = {};
              // Own methods only, defined (not assigned): the script may have polluted Object.prototype by now.
              for (const method in entry.methods) {
                if (!reflectApply(hasOwn, entry.methods, [method])) continue;
                defineProperty(member, method, {
                  value: stub(entry.path + '.' + method, entry.methods[method]!, name),
                  writable: true,
                  enumerable: true,
                  configurable: true,
                });
              }
              reflectApply(mapSet, members, [name, member]);
            }
            return member;
          },
        },
      );
      continue;
    }
    if (entry.callable !== null) {
      const segments = entry.path.split('.');
      const last = segments.pop()!;
      const parent = segments.length ? ensurePath(segments.join('.')) : $ctx;
      const fn: any = stub(entry.path + '.' + entry.callable, entry.methods[entry.callable]!);
      for (const method in entry.methods) if (method !== entry.callable) fn[method] = stub(entry.path + '.' + method, entry.methods[method]!);
      parent[last] = fn;
      continue;
    }
    const node = ensurePath(entry.path);
    for (const method in entry.methods) node[method] = stub(entry.path + '.' + method, entry.methods[method]!);
  }

  // Paths that answer every name (Enfyra's proxies), wrapped once every path exists: a proxy in the
  // middle of ensurePath would hand out a function where a later module expects its object.
  // `then` and `toJSON` stay undefined so `await` and JSON.stringify treat the object as a plain value.
  function answersEveryName(target: object, name: string | symbol): boolean {
    return typeof name === 'string' && name !== 'then' && name !== 'toJSON' && !(name in target);
  }
  function fallbackStub(path: string, kind: 'sync' | 'async', name: string): unknown {
    return new ProxyCtor(stub(path + '.*', kind, name), {
      get(target, sub, receiver) {
        return answersEveryName(target, sub) ? fallbackStub(path, kind, name + '.' + (sub as string)) : reflectApply(reflectGet, undefined, [target, sub, receiver]);
      },
    });
  }
  for (const entry of config.manifest) {
    if (!entry.fallback || entry.dynamic) continue;
    const segments = entry.path.split('.');
    const last = segments.pop()!;
    const parent = segments.length ? ensurePath(segments.join('.')) : $ctx;
    const kind = entry.fallback;
    parent[last] = new ProxyCtor(parent[last], {
      get(target, name, receiver) {
        return answersEveryName(target, name) ? fallbackStub(entry.path, kind, name as string) : reflectApply(reflectGet, undefined, [target, name, receiver]);
      },
    });
  }

  // Enfyra's $transaction has one method, run(cb): the $repos calls made inside share one transaction,
  // committed when cb resolves and rolled back when it throws (a nested run joins the outer one, on the
  // host). The host module's begin/commit/rollback stay internal, as Enfyra has no such members.
  if ($ctx.$transaction) {
    const begin = $ctx.$transaction.begin;
    const commit = $ctx.$transaction.commit;
    const rollback = $ctx.$transaction.rollback;
    $ctx.$transaction = {
      run: async function run(callback: unknown): Promise<unknown> {
        if (typeof callback !== 'function') throw new TypeErrorCtor('$transaction.run expects a function');
        await begin();
        let result: unknown;
        try {
          result = await (callback as () => unknown)();
        } catch (err) {
          await rollback();
          throw err;
        }
        await commit();
        return result;
      },
    };
  }

  // $logs: lines are formatted here so the host only ever receives strings.
  let logsFull = false;
  let droppedLogs = 0;
  function formatLogArg(value: unknown): string {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'bigint') return StringCtor(value) + 'n';
    if (typeof value === 'function' || typeof value === 'symbol') {
      try { return StringCtor(value); } catch { return '[unprintable]'; }
    }
    if (isError(value)) return safeName(value) + ': ' + safeMessage(value);
    const enc = encode(value);
    if (typeof enc === 'string') return enc;
    return '[' + enc[1] + ']';
  }
  /**
   * One log entry per argument, as Enfyra keeps them: a JSON copy of the value (objects stay objects),
   * or its String() when JSON has none (undefined, a function, a BigInt, a cycle). Its JSON text.
   */
  function logEntry(value: unknown): string {
    let text: string | undefined;
    try {
      text = stringify(value);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      let s: string;
      try { s = StringCtor(value); } catch { s = '[unprintable]'; }
      text = stringify(s);
    }
    if (text.length > limits.maxLogLineChars) text = stringify(slice(text, 0, limits.maxLogLineChars) + '… (cut)');
    return text;
  }
  // Enfyra keeps the entries in `$share.$logs` too (one array for the whole chain, carried in $share).
  if ($ctx.$share === null || typeof $ctx.$share !== 'object') $ctx.$share = {};
  const shareLogs: unknown[] = Array.isArray($ctx.$share.$logs) ? $ctx.$share.$logs : ($ctx.$share.$logs = []);
  let logCount = 0;
  $ctx.$logs = function (...args: unknown[]) {
    if (logsFull) {
      droppedLogs++;
      return;
    }
    let line = '';
    let entries = '[';
    for (let i = 0; i < args.length; i++) {
      line += (i ? ' ' : '') + formatLogArg(args[i]);
      const entry = logEntry(args[i]);
      entries += (i ? ',' : '') + entry;
      shareLogs[shareLogs.length] = parse(entry);
    }
    if (line.length > limits.maxLogLineChars) line = slice(line, 0, limits.maxLogLineChars) + '… (cut)';
    post('l', line, entries + ']');
    // The host keeps the same count (and enforces it); counting here spares a round trip per line.
    if (++logCount >= limits.maxLogs) logsFull = true;
  };
  const log: (...args: unknown[]) => void = $ctx.$logs;

  $ctx.$throw = makeThrow();

  // ---- running the hook ---------------------------------------------------
  const FROZEN_MESSAGE = /^Cannot (assign to read only property|add property|define property|redefine property|delete property)|object is not extensible/;
  let started = false;

  const CHANGED_FIELDS = ['$body', '$query', '$share', '$data', '$statusCode', '$flow'];

  /** The result payload. Objects without a prototype: an Object.prototype.toJSON cannot rewrite it. */
  function outcome(ok: boolean, value: unknown): string {
    const out: any = { __proto__: null, ok, dropped: droppedLogs };
    if (ok && value !== undefined) {
      const enc = encodeResult(value);
      if (typeof enc === 'string') out.data = enc;
      else if (enc[0] !== 'function' && enc[0] !== 'symbol') out.dataProblem = enc[1];
    } else if (!ok) {
      const marked = value !== null && typeof value === 'object' && reflectApply(weakSetHas, statusOf, [value])
        ? (reflectApply(weakMapGet, statusCodes, [value]) as [number, string | null, unknown])
        : null;
      out.error = {
        __proto__: null,
        name: safeName(value),
        message: explained(value),
        statusCode: marked ? marked[0] : null,
        code: marked ? marked[1] : null,
        details: null,
        stack: safeStack(value),
        thrownNonError: !isError(value),
      };
      if (marked && marked[2] !== null && marked[2] !== undefined) {
        const enc = encodeResult(marked[2]);
        if (typeof enc === 'string') out.error.details = enc;
      }
    }
    // Fields a hook may change for the next hook in a chain.
    const changed: any = { __proto__: null };
    for (let i = 0; i < CHANGED_FIELDS.length; i++) {
      const field = CHANGED_FIELDS[i]!;
      // $flow exists only in flow steps; elsewhere it is not reported.
      if (field === '$flow' && $ctx.$flow === undefined) continue;
      let enc: string | [string, string];
      try {
        enc = encodeResult($ctx[field]);
      } catch {
        enc = ['unserializable', ''];
      }
      changed[field] = typeof enc === 'string' ? enc : null;
    }
    out.changed = changed;
    const payload = stringify(out);
    if (payload.length <= limits.maxResultBytes) return payload;
    return failure('RangeError', `result is larger than sandbox.maxResultBytes (${limits.maxResultBytes} bytes)`);
  }

  /**
   * The error's message; a change to a frozen built-in or global says why it failed (Enfyra lets such a
   * change leak into later requests; here the realm is shared by an isolate's invocations, so it is frozen).
   */
  function explained(value: unknown): string {
    const message = safeMessage(value);
    if (!isError(value) || safeName(value) !== 'TypeError' || !FROZEN_MESSAGE.test(message)) return message;
    return message + ' (built-ins and globals are frozen: they are shared between invocations; in Enfyra this change would leak into other requests)';
  }

  function failure(name: string, message: string): string {
    return stringify({
      __proto__: null,
      ok: false,
      dropped: droppedLogs,
      error: { __proto__: null, name, message, statusCode: null, code: null, details: null, stack: null, thrownNonError: false },
      changed: { __proto__: null },
    });
  }

  /** Reports the outcome; never throws (a getter, proxy or replaced builtin only spoils its own part). */
  function finish(ok: boolean, value: unknown): void {
    let payload: string;
    try {
      payload = outcome(ok, value);
    } catch (err) {
      // Deep recursion or an exhausted stack while reading the value.
      payload = failure('Error', 'the hook result could not be read: ' + safeMessage(err));
    }
    try {
      post('d', payload);
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

  function run(fn: ($ctx: unknown) => Promise<unknown>): void {
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
  return { id: invId, run, settle, log };
  }

  // ---- the shared realm -----------------------------------------------------
  /** The invocation running in this context now (one at a time), for the globals shared by all of them. */
  let current: Run | null = null;

  // console is shared (and frozen); it logs to whichever invocation runs.
  const consoleLog = function (...args: unknown[]): void {
    if (current !== null) reflectApply(current.log, undefined, args);
  };
  g.console = freeze({ log: consoleLog, info: consoleLog, warn: consoleLog, error: consoleLog, debug: consoleLog });
  // Nothing a script can reach may carry state to the next invocation: freeze the globals too.
  hardenFn(g);

  /**
   * The host's one way in: `('s', id, requestJson, hookFn)` starts an invocation, `('r', id, repliesJson)`
   * delivers its host-call replies (all that are ready, in one entry). Replies for any other invocation
   * than the running one are dropped.
   */
  return function entry(kind: string, invId: number, payload: string, fn?: ($ctx: unknown) => Promise<unknown>): void {
    if (kind === 's') {
      let request: unknown;
      try {
        request = parse(payload);
      } catch {
        return;
      }
      current = newRun(invId, request);
      current.run(fn!);
      return;
    }
    if (kind === 'r' && current !== null && current.id === invId) {
      const replies = parse(payload) as Array<[number, string]>;
      for (let i = 0; i < replies.length; i++) current.settle(replies[i]![0], replies[i]![1]);
    }
  };
}

interface Run {
  readonly id: number;
  run(fn: ($ctx: unknown) => Promise<unknown>): void;
  settle(id: number, reply: string): void;
  log(...args: unknown[]): void;
}

export type IsolateEntry = (kind: string, invId: number, payload: string, fn?: ($ctx: unknown) => Promise<unknown>) => void;
