/**
 * The request a script runs for, as the CLI, replay and the programmatic API
 * describe it, and its translation into the `$ctx` data copied into the
 * sandbox — shaped as Enfyra 2.2 builds it for an HTTP route
 * (DynamicContextFactory.createHttp in shared/services/dynamic-context.factory.ts,
 * with the middlewares before it).
 */
import { isIP } from 'node:net';
import type { ContextData } from '../sandbox/invocation.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { encodeQuery, parseQuery } from './query.ts';

export interface HookRequest {
  /** Route parameters; numbers and booleans become strings, as a URL gives them. */
  params?: Record<string, unknown>;
  /** Query parameters, read as the query string a client would send for them (see query.ts). */
  query?: Record<string, unknown>;
  body?: unknown;
  /** The body's text as sent (`$req.rawBody`); default: the JSON text of an object or array `body`. */
  rawBody?: string;
  /** `null` runs the script as an anonymous request; omitted uses DEFAULT_USER. */
  user?: unknown;
  method?: string;
  /** Path and query string, as on the request line (`/orders/5?expand=1`). */
  url?: string;
  headers?: Record<string, string>;
  ip?: string;
  share?: Record<string, unknown>;
  /** Variables for `$ctx.$env`; omitted: the process environment as Enfyra filters it (see env.ts). */
  env?: Record<string, string>;
  /** A multipart upload → `$ctx.$uploadedFile` (see members/storage/uploaded-file.ts prepareUpload). */
  file?: UploadedFile;
}

/** A request field that no real request could carry (the message names the field). */
export class RequestDataError extends TypeError {
  override readonly name = 'RequestDataError';
  /** The field as a path: `params.id`, `user`, `ip`. */
  readonly field: string;
  /** What is wrong, without the field. */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

/**
 * `$ctx` data members that other parts of the runtime set, not this builder:
 * `$error` (the chain, on the error path), `$uploadedFile` (multipart
 * requests), `$flow` (flow steps), `$args` (GraphQL resolvers).
 */
export const MEMBERS_SET_ELSEWHERE: readonly string[] = ['$error', '$uploadedFile', '$flow', '$args'];

const LOCAL_TIMESTAMP = '2024-01-01T00:00:00.000Z';

/**
 * The signed-in user a local run gets unless it passes `user`: Enfyra's
 * `$user` for a password sign-in — the whole enfyra_user row (uuid id, the
 * password hash included), its `role` row, and the token fields
 * (load-user-with-role.util.ts, jwt-auth.middleware.ts). It is the root
 * admin, as the first user of a fresh Enfyra is; see docs/hooks-and-ctx.md for running
 * as a plain user or anonymously.
 */
export const DEFAULT_USER = deepFreeze({
  id: '00000000-0000-4000-8000-000000000001',
  email: 'admin@localhost',
  password: '$2b$10$yqXrwciCG4Pqha2YOvgrPOmFMDe/jkmEriixsNhsZAjAzF/ThPc6.',
  isRootAdmin: true,
  isSystem: false,
  roleId: 1,
  createdAt: LOCAL_TIMESTAMP,
  updatedAt: LOCAL_TIMESTAMP,
  role: { id: 1, name: 'Admin', description: null, createdAt: LOCAL_TIMESTAMP, updatedAt: LOCAL_TIMESTAMP },
  loginProvider: null,
  tokenType: null,
  apiTokenId: null,
});

const DEFAULT_HOST = 'localhost';
const DEFAULT_IP = '127.0.0.1';

/** Build the `$ctx` data of the first script of a request. Throws RequestDataError for impossible input. */
export function contextData(request: HookRequest, env: Record<string, string>): ContextData {
  const method = (request.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { host: DEFAULT_HOST, ...lowerCaseKeys(request.headers ?? {}) };
  const { path, search } = splitUrl(request.url ?? '/');
  const extra = request.query === undefined ? '' : encodeQuery(request.query);
  const fullSearch = [search, extra].filter(Boolean).join('&');
  const url = extra ? `${path}?${fullSearch}` : (request.url ?? '/');
  const query = parseQuery(fullSearch);
  const ip = clientIp(headers, request.ip);
  // `req.body || {}`: a falsy body reads as an empty object.
  const body = request.body || {};
  return {
    params: routeParams(request.params ?? {}),
    query,
    body,
    user: requestUser(request.user),
    req: {
      method,
      url,
      headers,
      query,
      // Enfyra builds $ctx in an app-level middleware, where Express's req.params is still empty.
      params: {},
      ip,
      hostname: hostname(headers.host),
      // Enfyra's server is plain HTTP and does not trust proxy headers.
      protocol: 'http',
      path,
      originalUrl: url,
      rawBody: rawBody(request),
    },
    share: request.share ?? {},
    // Set by the chain (the handler's result, 200 before post-hooks); a route script starts without them.
    data: undefined,
    statusCode: undefined,
    api: {
      request: {
        method,
        url,
        timestamp: new Date().toISOString(),
        correlationId: headers['x-correlation-id'] || correlationId(),
        userAgent: headers['user-agent'],
        ip,
      },
    },
    env: request.env ?? env,
    ...(request.file ? { extra: { $uploadedFile: request.file } } : {}),
  };
}

/** Route parameters are strings: a number or boolean is written as a URL would carry it. */
export function routeParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') out[name] = String(value);
    else {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
      throw new RequestDataError(`params.${name}`, `a route parameter is text from the URL path, so it must be a string or a number (got ${got})`);
    }
  }
  return out;
}

function requestUser(user: unknown): unknown {
  if (user === undefined) return DEFAULT_USER;
  if (user === null || (typeof user === 'object' && !Array.isArray(user))) return user;
  throw new RequestDataError('user', `must be a user object (Enfyra's $user is the signed-in user's row) or null for anonymous (got ${JSON.stringify(user)})`);
}

/** `/a/b?x=1` → path `/a/b`, search `x=1`. */
function splitUrl(url: string): { path: string; search: string } {
  if (!url.startsWith('/')) throw new RequestDataError('url', `must be a path starting with "/" (got "${url}")`);
  if (/[\s#]/.test(url)) throw new RequestDataError('url', `a request URL holds no spaces and no #fragment (got "${url}"); percent-encode them`);
  const q = url.indexOf('?');
  return q === -1 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

/**
 * Enfyra's client IP (resolveClientIpFromRequest in shared/utils/client-ip.util.ts):
 * a `cf-connecting-ip` header wins; `::1` reads as 127.0.0.1 and an
 * IPv4-mapped address as its IPv4 form.
 */
function clientIp(headers: Record<string, string>, given: string | undefined): string {
  if (headers['cf-connecting-ip']) return headers['cf-connecting-ip'];
  if (given !== undefined && isIP(given) === 0) throw new RequestDataError('ip', `not an IP address: "${given}"`);
  const ip = given ?? DEFAULT_IP;
  if (ip === '::1') return '127.0.0.1';
  return ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** Express's req.hostname: the Host header without its port (an IPv6 literal keeps its brackets). */
function hostname(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : 0;
  const colon = host.indexOf(':', end);
  return colon === -1 ? host : host.slice(0, colon);
}

/** Enfyra keeps the raw text of JSON bodies only (express.json's verify hook). */
function rawBody(request: HookRequest): string | undefined {
  if (request.rawBody !== undefined) return request.rawBody;
  const body = request.body;
  if (body === null || typeof body !== 'object') return undefined;
  try {
    return JSON.stringify(body);
  } catch {
    return undefined; // not JSON (a cycle, a BigInt): copying it into the sandbox refuses it with the reason
  }
}

/** Enfyra's own format: `req_<epoch ms>_<9 base-36 characters>`. */
function correlationId(): string {
  // An id, not a secret: Math.random is enough and costs nothing per request.
  const suffix = Math.random().toString(36).slice(2, 11).padEnd(9, '0');
  return `req_${Date.now()}_${suffix}`;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(value);
}
