/**
 * `$ctx.$helpers.$fetch(url, options)` as Enfyra's createFetchHelper
 * (shared/helpers/fetch.helper.ts): options method, headers, query, body,
 * timeoutMs (8000), maxBytes (1 MB), maxRequests (10), maxTotalBytes (2 MB),
 * maxRedirects (3), responseType 'json' | 'text' | 'arrayBuffer'; JSON bodies
 * get `content-type: application/json`; a 3xx is followed by hand, each hop
 * checked by the address guard; a non-2xx throws "Fetch failed with <status>:
 * <first 500 chars>". The request and byte budgets count per invocation (in
 * Enfyra, per request: a chain's hooks share them there).
 *
 * Every call is an effect `{type: 'fetch', method, url, status, bytes}` (or
 * `error`). With an answer installed (replay) nothing touches the network.
 */
import type { HostModule, InvocationScope } from '../../sandbox/host-module.ts';
import { isUnrepresentable } from '../../shared/wire.ts';
import { checkTarget, RefusedAddress } from './address-guard.ts';
import { networkTransport, stubTransport, type FetchAnswer, type FetchHop, type HopResponse, type Transport } from './transport.ts';

export type { FetchAnswer, StubbedResponse } from './transport.ts';

export interface FetchModuleOptions {
  /** Reach private and loopback addresses (config fetch.allowPrivate): each such request warns. */
  allowPrivate?: boolean;
  /** Answer requests from stubs instead of the network (replay). */
  answer?: FetchAnswer;
}

export interface FetchModule extends HostModule {
  /** Install (or remove, with null) the replayer's answer: from then on no request touches the network. */
  setAnswer(answer: FetchAnswer | null): void;
}

interface Guard {
  allowPrivate: boolean;
  /** Warn when a private or loopback target is let through. */
  warn: boolean;
}

interface Budget {
  requests: number;
  bytes: number;
}

const budgetOwner = {};

const DEFAULTS = { timeoutMs: 8000, maxBytes: 1024 * 1024, maxRequests: 10, maxTotalBytes: 2 * 1024 * 1024, maxRedirects: 3 };

export function createFetchModule(options: FetchModuleOptions = {}): FetchModule {
  let answer = options.answer ?? null;
  const allowPrivate = options.allowPrivate === true;
  return {
    path: '$helpers.$fetch',
    // `$helpers.$fetch(...)` itself is the call.
    callable: 'fetch',
    methods: {
      fetch: {
        kind: 'async',
        call: (scope, args) => {
          // Stubs answer any URL a script could reach in production; only the protocol is checked then.
          const guard: Guard = answer ? { allowPrivate: true, warn: false } : { allowPrivate, warn: allowPrivate };
          const transport = answer ? stubTransport(answer) : networkTransport(allowPrivate, () => warnPrivate(scope));
          return fetchOnce(scope, transport, guard, args[0], args[1]);
        },
      },
    },
    setAnswer(next) {
      answer = next;
    },
  };
}

function warnPrivate(scope: InvocationScope): void {
  scope.warn(
    'fetch.private-allowed',
    "$helpers.$fetch reached a private or loopback address because fetch.allowPrivate is set; Enfyra refuses it ('Private IP targets are not allowed')",
  );
}

function option<T>(options: Record<string, unknown>, name: string, fallback: T): T {
  const value = options[name];
  return value === undefined || value === null ? fallback : (value as T);
}

async function fetchOnce(scope: InvocationScope, transport: Transport, guard: Guard, rawUrl: unknown, rawOptions: unknown): Promise<unknown> {
  const options = (rawOptions !== null && typeof rawOptions === 'object' && !isUnrepresentable(rawOptions) ? rawOptions : {}) as Record<string, unknown>;
  const budget = scope.state<Budget>(budgetOwner, () => ({ requests: 0, bytes: 0 }));
  const maxRequests = option(options, 'maxRequests', DEFAULTS.maxRequests);
  const maxTotalBytes = option(options, 'maxTotalBytes', DEFAULTS.maxTotalBytes);
  const maxRedirects = option(options, 'maxRedirects', DEFAULTS.maxRedirects);
  if (budget.requests + 1 > maxRequests) throw new Error(`Fetch request limit exceeded (${maxRequests})`);
  budget.requests += 1;
  const timeoutMs = option(options, 'timeoutMs', DEFAULTS.timeoutMs);
  const maxBytes = option(options, 'maxBytes', DEFAULTS.maxBytes);
  const responseType = option<unknown>(options, 'responseType', 'json');
  if (scope.signal.aborted) throw new Error('Operation aborted');

  let body = options.body as unknown;
  const headers: Record<string, string> = { ...((options.headers as Record<string, string>) ?? {}) };
  if (body !== undefined && body !== null && typeof body !== 'string') {
    headers['content-type'] = headers['content-type'] || 'application/json';
    body = JSON.stringify(body);
  }
  const method = String(options.method || (body !== undefined ? 'POST' : 'GET'));
  const record: { type: 'fetch'; method: string; url: string; status?: number; bytes?: number; redirects?: number; error?: string } = {
    type: 'fetch',
    method,
    url: String(rawUrl),
  };

  const controller = new AbortController();
  const abort = () => controller.abort();
  scope.signal.addEventListener('abort', abort, { once: true });
  const timer = setTimeout(abort, timeoutMs);
  try {
    let url = buildUrl(rawUrl, options.query);
    record.url = url.toString();
    const hop = (target: URL): Promise<HopResponse> => {
      if (checkTarget(target, guard.allowPrivate).private && guard.warn) warnPrivate(scope);
      const request: FetchHop = { url: target, method, headers, body: body === undefined || body === null ? undefined : String(body) };
      return transport(request, controller.signal);
    };
    let res = await hop(url);
    let redirects = 0;
    while (res.status >= 300 && res.status < 400) {
      drain(res);
      if (redirects + 1 > maxRedirects) throw new Error(`Too many redirects (${maxRedirects})`);
      const location = res.headers['location'] || '';
      if (!location) throw new Error(`Redirect with no location (${res.status})`);
      url = new URL(location, url);
      redirects += 1;
      record.url = url.toString();
      res = await hop(url);
    }
    record.status = res.status;
    if (redirects) record.redirects = redirects;

    const contentLength = Number(res.headers['content-length'] || 0);
    if (contentLength && contentLength > maxBytes) {
      drain(res);
      throw new Error(`Response too large (${contentLength} bytes)`);
    }
    const bytes = await readBody(res, maxBytes);
    record.bytes = bytes.length;
    budget.bytes += bytes.length;
    if (budget.bytes > maxTotalBytes) throw new Error(`Fetch total bytes limit exceeded (${maxTotalBytes} bytes)`);
    const text = () => new TextDecoder().decode(bytes);
    if (res.status < 200 || res.status > 299) throw new Error(`Fetch failed with ${res.status}: ${text().substring(0, 500)}`);
    if (responseType === 'arrayBuffer') {
      scope.warn(
        'fetch.array-buffer-empty',
        "$helpers.$fetch responseType 'arrayBuffer': the ArrayBuffer crosses Enfyra's JSON bridge as {} (use 'text' and decode it yourself)",
      );
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    if (responseType === 'text') return text();
    const decoded = text();
    return decoded ? JSON.parse(decoded) : null;
  } catch (err) {
    const error = normalizeError(err, controller.signal.aborted);
    record.error = error.message;
    throw error;
  } finally {
    clearTimeout(timer);
    scope.signal.removeEventListener('abort', abort);
    scope.effect(record);
  }
}

/** Enfyra's buildUrl: `new URL(input)` (a TypeError "Invalid URL" when it is not one), then query values as strings or JSON. */
function buildUrl(input: unknown, query: unknown): URL {
  const url = new URL(input as string);
  if (query && typeof query === 'object') {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null) continue;
      url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return url;
}

/** Reads the body, stopping as soon as it passes maxBytes (Enfyra reads it whole, then checks). */
async function readBody(res: HopResponse, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > maxBytes) {
      drain(res);
      throw new Error(`Response too large (${size} bytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function drain(res: HopResponse): void {
  const body = res.body as { destroy?: () => void };
  body.destroy?.();
}

function normalizeError(err: unknown, aborted: boolean): Error {
  if (err instanceof RefusedAddress) return new Error(err.message);
  if (aborted || (err as Error)?.name === 'AbortError') {
    // What Enfyra's native fetch throws on its abort signal.
    const abort = new Error('This operation was aborted');
    abort.name = 'AbortError';
    return abort;
  }
  return err instanceof Error ? err : new Error(String(err));
}
