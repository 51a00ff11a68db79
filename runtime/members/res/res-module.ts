/**
 * `$ctx.$res.stream(readable, { statusCode, mimetype, filename, headers })`
 * (modules/dynamic-api/services/dynamic.service.ts attachStreamResponseHelper;
 * handlers only). In Enfyra the readable is a Node stream that an installed
 * server package returns, which lives on the host; nothing stream-like can
 * cross the JSON bridge, so a local script passes the body itself: a string,
 * an array of chunks, or bytes (a Buffer or typed array as the bridge carries
 * it). Each does what it would do and warns, because Enfyra refuses
 * anything but a readable. A missing source is Enfyra's
 * "@RES.stream requires a readable stream".
 *
 * The body is kept with the `res.stream` effect (status, mimetype, filename,
 * headers, byte count); `streamedBody` hands it to the CLI (stdout or --out).
 */
import { Readable } from 'node:stream';
import type { Envelope } from '../../context/envelope.ts';
import type { HostModule, InvocationScope } from '../../sandbox/host-module.ts';
import type { Effect } from '../../shared/diagnostics.ts';
import { isUnrepresentable } from '../../shared/wire.ts';

/** Where the streamed bytes ride on the effect (a symbol: JSON output leaves them out). */
export const STREAM_BODY: unique symbol = Symbol('enfyra-run.stream-body');

export interface StreamEffect extends Effect {
  type: 'res.stream';
  statusCode: number;
  mimetype: string | null;
  filename: string | null;
  headers: Record<string, unknown>;
  bytes: number;
  [STREAM_BODY]?: Buffer;
}

const startedOwner = {};

export function createResModule(): HostModule {
  return {
    path: '$res',
    methods: {
      stream: { kind: 'async', call: async (scope, [source, options]) => stream(scope, source, options) },
    },
  };
}

function stream(scope: InvocationScope, source: unknown, rawOptions: unknown): void {
  // Only handlers get $res; elsewhere `$ctx.$res.stream` reads from undefined.
  if (scope.kind !== 'handler') throw new TypeError("Cannot read properties of undefined (reading 'stream')");
  const started = scope.state(startedOwner, () => ({ done: false }));
  if (started.done) throw new Error('Cannot set headers after they are sent to the client');
  if (isUnrepresentable(rawOptions)) {
    throw new TypeError(`@RES.stream: the options cannot cross to the host (${rawOptions.describe()}); transform and observer callbacks are not supported by enfyra-run`);
  }
  const body = bodyOf(scope, source);
  const options = (rawOptions ?? {}) as { statusCode?: unknown; mimetype?: unknown; filename?: unknown; headers?: unknown };
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((options.headers as Record<string, unknown>) ?? {})) if (v !== undefined && v !== null) headers[k] = v;
  const effect: StreamEffect = {
    type: 'res.stream',
    statusCode: Number(options.statusCode) || 200,
    mimetype: options.mimetype ? String(options.mimetype) : null,
    filename: options.filename ? String(options.filename).replace(/["\r\n]/g, '_') : null,
    headers,
    bytes: body.length,
  };
  Object.defineProperty(effect, STREAM_BODY, { value: body, enumerable: false });
  started.done = true;
  scope.effect(effect);
}

function bodyOf(scope: InvocationScope, source: unknown): Buffer {
  if (!source) throw new Error('@RES.stream requires a readable stream');
  const warn = (what: string) =>
    scope.warn('res.stream-source', `$res.stream got ${what}: enfyra-run streams it, but Enfyra needs a Node readable (from an installed server package) and fails with a TypeError`);
  if (typeof source === 'string') {
    warn('a string');
    return Buffer.from(source);
  }
  if (Array.isArray(source) && source.every((c) => typeof c === 'string' || isBytes(c))) {
    warn('an array of chunks');
    return Buffer.concat(source.map((c) => (typeof c === 'string' ? Buffer.from(c) : toBytes(c))));
  }
  if (isBytes(source)) {
    warn('bytes');
    return toBytes(source);
  }
  // Enfyra tries Readable.fromWeb on what is not a Node stream: its TypeError, word for word.
  try {
    Readable.fromWeb(source as never);
  } catch (err) {
    throw new TypeError((err as Error).message);
  }
  throw new Error('@RES.stream requires a readable stream');
}

function isBytes(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || isUnrepresentable(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.type === 'Buffer' && Array.isArray(v.data)) return true;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k, i) => k === String(i) && Number.isInteger(v[k]) && (v[k] as number) >= 0 && (v[k] as number) <= 255);
}

function toBytes(value: unknown): Buffer {
  const v = value as Record<string, unknown>;
  if (v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data as number[]);
  return Buffer.from(Object.keys(v).map((k) => v[k] as number));
}

/** The body a run streamed, if it did (the CLI writes it to stdout or --out). */
export function streamedBody(envelope: Envelope): { effect: StreamEffect; body: Buffer } | null {
  const effect = envelope.effects.find((e): e is StreamEffect => e.type === 'res.stream');
  const body = effect?.[STREAM_BODY];
  return effect && body ? { effect, body } : null;
}
