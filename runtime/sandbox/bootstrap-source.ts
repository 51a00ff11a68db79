/**
 * Source of the code that runs inside each fresh isolate context before the
 * hook: it builds `$ctx` from the request JSON and the host-module manifest,
 * and owns the isolate's half of the bridge.
 *
 * Protocol (all strings, so nothing but copies crosses):
 *   host(kind, ...) is one ivm.Callback per invocation:
 *     host('s', op, argsJson, specialsJson)      sync call  -> reply
 *     host('a', op, argsJson, specialsJson, id)  async call -> (settled later via settle(id, reply))
 *     host('l', line)                            $logs line -> 'ok' | 'full'
 *     host('d', outcomeJson)                     the hook finished
 *   reply: 'u' (undefined) | 'v' + json | 'e' + json({ name, message, statusCode? })
 *
 * Everything the bridge relies on (JSON, Promise, WeakSet, ...) is captured
 * before user code runs, so a script replacing globals only hurts itself.
 */
import type { HostModule } from './host-module.js';
import { HTTP_ERROR_NAMES } from '../context/http-errors.js';

export interface BootstrapLimits {
  maxLogs: number;
  maxLogLineChars: number;
  maxPendingHostCalls: number;
  maxResultBytes: number;
}

export interface ManifestEntry {
  path: string;
  dynamic: boolean;
  methods: Record<string, 'sync' | 'async'>;
}

export function buildManifest(modules: readonly HostModule[]): ManifestEntry[] {
  return modules.map((m) => ({
    path: m.path,
    dynamic: m.dynamicMembers === true,
    methods: Object.fromEntries(Object.entries(m.methods).map(([name, method]) => [name, method.kind])),
  }));
}

/**
 * The bootstrap script. Its completion value is the isolate's `settle(id,
 * reply)` function (the host keeps it as a Reference); it also defines the
 * one-shot global `__enfyraRun(fn)` that the hook script calls.
 */
export function bootstrapSource(manifest: ManifestEntry[], limits: BootstrapLimits): string {
  const config = JSON.stringify({ manifest, limits, statuses: HTTP_ERROR_NAMES });
  return `(${isolateMain.toString()})(${config});`;
}

/** Hook source as a script: line 1 of the user's file stays line 1 with `lineOffset: -1`. */
export function hookScriptSource(body: string): string {
  return `__enfyraRun(async function ($ctx) {\n${body}\n});`;
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
}): (id: number, reply: string) => void {
  const g: any = globalThis;
  const host: (...args: unknown[]) => string = g.__enfyraHost;
  const request: any = JSON.parse(g.__enfyraInit);
  delete g.__enfyraHost;
  delete g.__enfyraInit;

  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const PromiseCtor = Promise;
  const promiseThen = Promise.prototype.then;
  const reflectApply = Reflect.apply;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const WeakSetCtor = WeakSet;
  const weakSetHas = WeakSet.prototype.has;
  const weakSetAdd = WeakSet.prototype.add;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const StringCtor = String;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const ProxyCtor = Proxy;
  const limits = config.limits;

  const then = (p: Promise<unknown>, ok: (v: unknown) => unknown, bad: (e: unknown) => unknown) =>
    reflectApply(promiseThen, p, [ok, bad]);

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
      if (/circular/i.test(message)) return ['circular', 'circular structure'];
      return ['unserializable', message];
    }
    if (bad) return bad;
    return text === undefined ? 'null' : text;
  }

  function encodeArgs(args: unknown[]): [string, string] {
    const parts: string[] = [];
    let specials: Record<number, [string, string]> | null = null;
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      if (value === undefined) {
        (specials ||= {})[i] = ['undefined', ''];
        parts.push('null');
        continue;
      }
      const enc = encode(value);
      if (typeof enc === 'string') parts.push(enc);
      else {
        (specials ||= {})[i] = enc;
        parts.push('null');
      }
    }
    return ['[' + parts.join(',') + ']', specials ? stringify(specials) : ''];
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
      if (err instanceof ErrorCtor) {
        const n = (err as any).name;
        return typeof n === 'string' && n ? n : 'Error';
      }
    } catch {}
    return 'Error';
  }

  // ---- errors -----------------------------------------------------------
  const statusOf = new WeakSetCtor<object>();
  const statusCodes = new MapCtor<object, number>();
  const detailsOf = new MapCtor<object, unknown[]>();

  function markStatus(err: object, status: number, details?: unknown[]): void {
    reflectApply(weakSetAdd, statusOf, [err]);
    reflectApply(mapSet, statusCodes, [err, status]);
    if (details && details.length) reflectApply(mapSet, detailsOf, [err, details]);
  }

  function errorFromReply(payload: string): Error {
    const info = parse(payload);
    const Ctor = info.name === 'TypeError' ? TypeErrorCtor : info.name === 'RangeError' ? RangeErrorCtor : ErrorCtor;
    const err = new Ctor(info.message);
    if (info.name !== 'TypeError' && info.name !== 'RangeError') {
      defineProperty(err, 'name', { value: info.name, writable: true, configurable: true, enumerable: false });
    }
    if (typeof info.statusCode === 'number') {
      defineProperty(err, 'statusCode', { value: info.statusCode, enumerable: true });
      markStatus(err, info.statusCode);
    }
    return err;
  }

  function decodeReply(reply: string): unknown {
    const tag = reply[0];
    if (tag === 'u') return undefined;
    if (tag === 'v') return parse(reply.slice(1));
    throw errorFromReply(reply.slice(1));
  }

  // ---- host calls -------------------------------------------------------
  let pendingCount = 0;
  let nextCallId = 1;
  const pending = new MapCtor<number, [(v: unknown) => void, (e: unknown) => void]>();

  function callSync(op: string, args: unknown[]): unknown {
    const [json, specials] = encodeArgs(args);
    return decodeReply(host('s', op, json, specials));
  }

  function callAsync(op: string, args: unknown[]): Promise<unknown> {
    if (pendingCount >= limits.maxPendingHostCalls) {
      return new PromiseCtor((_, reject) =>
        reject(new RangeErrorCtor(`too many host calls in flight (limit ${limits.maxPendingHostCalls}): await them before starting more`)),
      );
    }
    let json: string, specials: string;
    try {
      [json, specials] = encodeArgs(args);
    } catch (err) {
      return new PromiseCtor((_, reject) => reject(err));
    }
    const id = nextCallId++;
    pendingCount++;
    return new PromiseCtor((resolve, reject) => {
      reflectApply(mapSet, pending, [id, [resolve, reject]]);
      host('a', op, json, specials, id);
    });
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
        : function (...args: unknown[]) { return callSync(op, [prefixArg, ...args]); };
    }
    return prefixArg === undefined
      ? function (...args: unknown[]) { return callAsync(op, args); }
      : function (...args: unknown[]) { return callAsync(op, [prefixArg, ...args]); };
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
    $pkgs: {},
  };

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
              for (const method in entry.methods) {
                (member as any)[method] = stub(entry.path + '.' + method, entry.methods[method]!, name);
              }
              reflectApply(mapSet, members, [name, member]);
            }
            return member;
          },
        },
      );
      continue;
    }
    const node = ensurePath(entry.path);
    for (const method in entry.methods) node[method] = stub(entry.path + '.' + method, entry.methods[method]!);
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
    if (value instanceof ErrorCtor) return safeName(value) + ': ' + safeMessage(value);
    const enc = encode(value);
    if (typeof enc === 'string') return enc;
    return '[' + enc[1] + ']';
  }
  $ctx.$logs = function (...args: unknown[]) {
    if (logsFull) {
      droppedLogs++;
      return;
    }
    let line = '';
    for (let i = 0; i < args.length; i++) line += (i ? ' ' : '') + formatLogArg(args[i]);
    if (line.length > limits.maxLogLineChars) line = line.slice(0, limits.maxLogLineChars) + '… (cut)';
    if (host('l', line) === 'full') logsFull = true;
  };
  g.console = freeze({ log: $ctx.$logs, info: $ctx.$logs, warn: $ctx.$logs, error: $ctx.$logs, debug: $ctx.$logs });

  $ctx.$throw = {};
  for (const status in config.statuses) {
    const name = config.statuses[status];
    $ctx.$throw[status] = function (message?: unknown, ...details: unknown[]) {
      const err = new ErrorCtor(message === undefined ? '' : typeof message === 'string' ? message : formatLogArg(message));
      defineProperty(err, 'name', { value: name, writable: true, configurable: true, enumerable: false });
      defineProperty(err, 'statusCode', { value: +status, enumerable: true });
      markStatus(err, +status, details);
      throw err;
    };
  }

  // ---- running the hook ---------------------------------------------------
  let started = false;

  function finish(ok: boolean, value: unknown): void {
    const out: any = { ok, dropped: droppedLogs };
    if (ok && value !== undefined) {
      const enc = encode(value);
      if (typeof enc === 'string') out.data = enc;
      else if (enc[0] !== 'function' && enc[0] !== 'symbol') out.dataProblem = enc[1];
    } else {
      const isStatus = value !== null && typeof value === 'object' && reflectApply(weakSetHas, statusOf, [value]);
      out.error = {
        name: safeName(value),
        message: safeMessage(value),
        statusCode: isStatus ? reflectApply(mapGet, statusCodes, [value]) : null,
        details: isStatus ? encode(reflectApply(mapGet, detailsOf, [value]) ?? []) : null,
        thrownNonError: !(value instanceof ErrorCtor),
      };
    }
    // Fields a hook may change for the next hook in a chain.
    const changed: any = {};
    for (const field of ['$body', '$query', '$share', '$data', '$statusCode']) {
      const enc = encode($ctx[field]);
      changed[field] = typeof enc === 'string' ? enc : null;
    }
    out.changed = changed;
    let payload = stringify(out);
    if (payload.length > limits.maxResultBytes) {
      payload = stringify({
        ok: false,
        dropped: droppedLogs,
        error: {
          name: 'RangeError',
          message: `result is larger than sandbox.maxResultBytes (${limits.maxResultBytes} bytes)`,
          statusCode: null,
          details: null,
          thrownNonError: false,
        },
        changed: {},
      });
    }
    host('d', payload);
  }

  g.__enfyraRun = function (fn: ($ctx: unknown) => Promise<unknown>) {
    if (started) throw new ErrorCtor('the hook has already started');
    started = true;
    delete g.__enfyraRun;
    let promise: Promise<unknown>;
    try {
      promise = fn($ctx);
    } catch (err) {
      finish(false, err);
      return;
    }
    then(promise, (v) => finish(true, v), (e) => finish(false, e));
  };
  return settle;
}
