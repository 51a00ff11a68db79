/**
 * How `$helpers.$fetch` sends one request (one hop: redirects are the
 * caller's): over the network with the address guard, or answered by a
 * replayer's stubs so replay never touches the network.
 */
import type Http from 'node:http';
import type Https from 'node:https';
import { lazyRequire } from '../../shared/lazy-require.ts';
import { guardedLookup, RefusedAddress } from './address-guard.ts';

// Required on the first request, not imported: an ES import of node:http makes Node fill in every export
// of it, which loads undici (fetch, WebSocket) — hundreds of milliseconds at start-up under --no-node-snapshot.
const http = lazyRequire<typeof Http>('node:http');
const https = lazyRequire<typeof Https>('node:https');

export interface FetchHop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HopResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: AsyncIterable<Buffer>;
}

export type Transport = (hop: FetchHop, signal: AbortSignal) => Promise<HopResponse>;

/** What a stub answers: the replayer's `state.fetch` entries become these. */
export interface StubbedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Answers one request from stubs, or throws (naming the URL) when none matches. */
export type FetchAnswer = (request: { method: string; url: string; headers: Record<string, string>; body: string | undefined }) =>
  | StubbedResponse
  | Promise<StubbedResponse>;

export function networkTransport(allowPrivate: boolean, onPrivate: () => void): Transport {
  return (hop, signal) =>
    new Promise<HopResponse>((resolve, reject) => {
      const client = hop.url.protocol === 'https:' ? https() : http();
      const request = client.request(
        hop.url,
        {
          method: hop.method,
          headers: hop.headers,
          signal,
          lookup: guardedLookup(allowPrivate, onPrivate) as never,
          // Redirects are followed by the caller, hop by hop, each hop checked.
        },
        (res) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: res });
        },
      );
      request.on('error', (err) => reject(err instanceof RefusedAddress || err.cause instanceof RefusedAddress ? (err.cause ?? err) : err));
      if (hop.body !== undefined) request.write(hop.body);
      request.end();
    });
}

export function stubTransport(answer: FetchAnswer): Transport {
  return async (hop) => {
    const stub = await answer({ method: hop.method, url: hop.url.toString(), headers: hop.headers, body: hop.body });
    const text = stub.body === undefined ? '' : typeof stub.body === 'string' ? stub.body : JSON.stringify(stub.body);
    const bytes = Buffer.from(text);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(stub.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (typeof stub.body !== 'string' && stub.body !== undefined) headers['content-type'] ??= 'application/json';
    return {
      status: stub.status ?? 200,
      headers,
      body: (async function* () {
        yield bytes;
      })(),
    };
  };
}
