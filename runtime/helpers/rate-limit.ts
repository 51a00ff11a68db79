/**
 * `$helpers.$rateLimit`: sliding-window limits on the cache driver's atomic
 * `slidingWindow`, so concurrent requests (and processes sharing one Redis)
 * never over-admit.
 *
 * Keys, under `${namespace}#ratelimit:` — out of reach of `$cache` keys,
 * which are always `${namespace}:<key>` — (request values URI-encoded so no
 * value can forge a `:`-separated segment):
 *   check/status/reset(key)  key:<key>
 *   byIp          ip:<ip>:route:<route>      byIpGlobal    ip:<ip>
 *   byUser        user:<id>:route:<route>    byUserGlobal  user:<id>
 *   byRoute       route:<route>
 * Use one `perSeconds` per key: each call prunes the key's hits to its own window.
 */
import type { CacheDriver, Clock, SlidingWindowResult } from '../cache/driver.ts';
import type { HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { integerArg, nonEmptyStringArg, numberArg, objectArg, rangeError } from './args.ts';
import { asyncMethod } from './method.ts';

/** What the by* variants need to know about the request being served. */
export interface RateLimitRequest {
  ip?: string | null;
  /** null/undefined for an anonymous request. */
  userId?: string | number | null;
  /** Identifies the route, e.g. `GET /orders/:id`. */
  route?: string | null;
}

export type RequestAccessor = (scope: InvocationScope) => RateLimitRequest;

export interface RateLimitResult {
  allowed: boolean;
  /** Requests still admitted in the current window. */
  remaining: number;
  /** Epoch ms at which the oldest counted request leaves the window (now, when none is counted). */
  resetAt: number;
  /** Seconds until a request can be admitted; 0 when allowed. */
  retryAfter: number;
  limit: number;
  /** Window length in seconds. */
  window: number;
}

export interface RateLimitModuleOptions {
  driver: CacheDriver;
  namespace: string;
  /** The clock the driver's window timestamps come from (for `retryAfter`). */
  clock?: Clock;
  request?: RequestAccessor;
}

interface Limit {
  maxRequests: number;
  perSeconds: number;
}

const HELPER = '$helpers.$rateLimit';
/** The window is a log of hits, so the limit bounds what one key can store. */
const MAX_REQUESTS = 100_000;
const MIN_WINDOW_SECONDS = 0.001;
const MAX_WINDOW_SECONDS = 366 * 86_400;

type RequestField = 'ip' | 'userId' | 'route';

const SEGMENT: Readonly<Record<RequestField, string>> = { ip: 'ip', userId: 'user', route: 'route' };

const MISSING: Readonly<Record<RequestField, string>> = {
  ip: 'the request has no client ip',
  userId: 'the request has no user (anonymous request)',
  route: 'the request has no route',
};

const REQUEST_SCOPED: Readonly<Record<string, readonly RequestField[]>> = {
  byIp: ['ip', 'route'],
  byUser: ['userId', 'route'],
  byRoute: ['route'],
  byIpGlobal: ['ip'],
  byUserGlobal: ['userId'],
};

function limitArg(value: unknown, helper: string): Limit {
  const options = objectArg(value, helper, 'options');
  const maxRequests = integerArg(options.maxRequests, helper, 'options.maxRequests', 1, MAX_REQUESTS);
  const perSeconds = numberArg(options.perSeconds, helper, 'options.perSeconds');
  if (!(perSeconds >= MIN_WINDOW_SECONDS && perSeconds <= MAX_WINDOW_SECONDS)) {
    const expected = `a number of seconds from ${MIN_WINDOW_SECONDS} to ${MAX_WINDOW_SECONDS}`;
    throw rangeError(helper, 'options.perSeconds', expected, perSeconds);
  }
  return { maxRequests, perSeconds };
}

function windowMs(limit: Limit): number {
  return Math.ceil(limit.perSeconds * 1000);
}

function describeWindow(window: SlidingWindowResult, allowed: boolean, limit: Limit, now: number): RateLimitResult {
  return {
    allowed,
    remaining: Math.max(0, limit.maxRequests - window.count),
    resetAt: window.oldestExpiresAt,
    retryAfter: allowed ? 0 : Math.max(0, Math.ceil((window.oldestExpiresAt - now) / 1000)),
    limit: limit.maxRequests,
    window: limit.perSeconds,
  };
}

export function createRateLimitModule(options: RateLimitModuleOptions): HostModule {
  const { driver, namespace, clock = Date.now, request } = options;
  const storeKey = (suffix: string) => `${namespace}#ratelimit:${suffix}`;

  async function hit(suffix: string, limit: Limit): Promise<RateLimitResult> {
    const window = await driver.slidingWindow(storeKey(suffix), limit.maxRequests, windowMs(limit));
    return describeWindow(window, window.allowed, limit, clock());
  }

  // status and reset use slidingWindow's edge cases until drivers have
  // explicit peek/clear methods: a limit of 0 never counts a hit, so the call
  // only prunes and reports; a window of 0 ms prunes every hit.
  async function peek(suffix: string, limit: Limit): Promise<RateLimitResult> {
    const window = await driver.slidingWindow(storeKey(suffix), 0, windowMs(limit));
    return describeWindow(window, window.count < limit.maxRequests, limit, clock());
  }

  async function clear(suffix: string): Promise<void> {
    await driver.slidingWindow(storeKey(suffix), 0, 0);
  }

  function requestKey(method: string, fields: readonly RequestField[], scope: InvocationScope): string {
    const info = request?.(scope) ?? {};
    return fields
      .map((field) => {
        const value = info[field];
        if (value === null || value === undefined || value === '') throw new Error(`${HELPER}.${method}: ${MISSING[field]}`);
        return `${SEGMENT[field]}:${encodeURIComponent(String(value))}`;
      })
      .join(':');
  }

  const customKey = (value: unknown, method: string) => `key:${nonEmptyStringArg(value, `${HELPER}.${method}`, 'key')}`;

  const requestScoped = Object.fromEntries(
    Object.entries(REQUEST_SCOPED).map(([method, fields]) => [
      method,
      asyncMethod(async ([limit], scope) => {
        const parsed = limitArg(limit, `${HELPER}.${method}`);
        return hit(requestKey(method, fields, scope), parsed);
      }),
    ]),
  );

  return {
    path: '$helpers.$rateLimit',
    methods: {
      ...requestScoped,
      check: asyncMethod(async ([key, limit]) => hit(customKey(key, 'check'), limitArg(limit, `${HELPER}.check`))),
      status: asyncMethod(async ([key, limit]) => peek(customKey(key, 'status'), limitArg(limit, `${HELPER}.status`))),
      reset: asyncMethod(async ([key]) => clear(customKey(key, 'reset'))),
    },
  };
}
