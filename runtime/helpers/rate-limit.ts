/**
 * `$helpers.$rateLimit` as Enfyra's RateLimitService (rate-limit.service.ts,
 * route-detect.middleware.ts): a sliding window per key on the cache
 * driver's atomic `slidingWindow`, so concurrent requests (and processes
 * sharing one Redis) never over-admit.
 *
 * Keys, as Enfyra's: `<namespace>:rl:<key>`, where the key is the script's own
 * for check/status/reset, and for the request-scoped variants
 *   byIp  ip:<ip>:<route>     byUser  user:<id|anonymous>:<route>    byRoute  route:<route>
 *   byIpGlobal  ip:<ip>       byUserGlobal  user:<id|anonymous>
 * Results as Enfyra's: an admitted hit reports `resetAt` = now + window; a
 * refused one the time the oldest hit leaves the window, and `retryAfter`
 * in seconds. Enfyra fails open: when the store errors, or the options make
 * its Lua script fail, the request is allowed; here it warns too.
 */
import type { CacheDriver, Clock, SlidingWindowResult } from '../cache/driver.ts';
import type { HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { asyncMethod } from './method.ts';
import { HELPER_WARNINGS, warnOnce } from './warnings.ts';

/** What the by* variants need to know about the request being served. */
export interface RateLimitRequest {
  ip?: string | null;
  /** null/undefined for an anonymous request. */
  userId?: string | number | null;
  /** The route: Enfyra keys on the route's path (`/orders/:id`); a leading `METHOD ` is dropped. */
  route?: string | null;
}

export type RequestAccessor = (scope: InvocationScope) => RateLimitRequest;

export interface RateLimitResult {
  allowed: boolean;
  /** Requests still admitted in the current window. */
  remaining: number;
  /** Epoch ms: when allowed, now + the window; when refused, when the oldest counted request leaves it. */
  resetAt: number;
  /** Seconds until a request can be admitted; 0 when allowed (and always 0 from `status`). */
  retryAfter: number;
  limit: number;
  /** Window length in seconds. */
  window: number;
}

export interface RateLimitModuleOptions {
  driver: CacheDriver;
  namespace: string;
  /** The clock the driver's window timestamps come from. */
  clock?: Clock;
  request?: RequestAccessor;
}

interface Options {
  maxRequests: unknown;
  perSeconds: unknown;
}

const HELPER = '$helpers.$rateLimit';

/** Enfyra's Lua reads both options with tonumber(): numbers and numeric strings work, anything else fails the script. */
function limitOf(options: unknown): { maxRequests: number; windowMs: number } | null {
  const { maxRequests, perSeconds } = Object(options) as Options;
  const max = luaNumber(maxRequests);
  const seconds = luaNumber(perSeconds);
  if (max === null || seconds === null) return null;
  return { maxRequests: max, windowMs: seconds * 1000 };
}

function luaNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function createRateLimitModule(options: RateLimitModuleOptions): HostModule {
  const { driver, namespace, clock = Date.now, request } = options;
  const storeKey = (key: string) => `${namespace}:rl:${key}`;

  /** What Enfyra answers when it fails open: allowed, the whole budget left. */
  function failOpen(scope: InvocationScope, method: string, raw: unknown, why: string): RateLimitResult {
    warnOnce(
      scope,
      HELPER_WARNINGS.rateLimitFailedOpen,
      `${HELPER}.${method}: ${why}; Enfyra fails open, so the request is allowed`,
    );
    const { maxRequests, perSeconds } = Object(raw) as Options;
    return {
      allowed: true,
      remaining: maxRequests as number,
      resetAt: clock() + Number(perSeconds) * 1000,
      retryAfter: 0,
      limit: maxRequests as number,
      window: perSeconds as number,
    };
  }

  async function guarded(
    scope: InvocationScope,
    method: string,
    raw: unknown,
    count: (limit: { maxRequests: number; windowMs: number }) => Promise<RateLimitResult | null>,
  ): Promise<RateLimitResult> {
    if (raw === null || raw === undefined) {
      // Enfyra reads options.maxRequests even in its error path, so this one reaches the script.
      throw new TypeError(`Cannot read properties of ${raw} (reading 'maxRequests')`);
    }
    const limit = limitOf(raw);
    if (!limit) return failOpen(scope, method, raw, 'options.maxRequests and options.perSeconds must be numbers');
    try {
      return (await count(limit)) ?? failOpen(scope, method, raw, `a maxRequests of ${limit.maxRequests} makes Enfyra's script fail`);
    } catch (err) {
      return failOpen(scope, method, raw, `the store failed (${(err as Error).message})`);
    }
  }

  function result(raw: unknown, fields: Omit<RateLimitResult, 'limit' | 'window'>): RateLimitResult {
    const { maxRequests, perSeconds } = Object(raw) as Options;
    return { ...fields, limit: maxRequests as number, window: perSeconds as number };
  }

  async function hit(scope: InvocationScope, method: string, key: string, raw: unknown): Promise<RateLimitResult> {
    return guarded(scope, method, raw, async (limit) => {
      const window: SlidingWindowResult = await driver.slidingWindow(storeKey(key), limit.maxRequests, limit.windowMs);
      const now = clock();
      if (window.allowed) {
        return result(raw, { allowed: true, remaining: limit.maxRequests - window.count, resetAt: now + limit.windowMs, retryAfter: 0 });
      }
      // Refused with nothing in the window (maxRequests <= 0): Enfyra's script reads the oldest hit of an empty set and fails.
      if (window.count === 0) return null;
      const resetAt = window.oldestExpiresAt;
      return result(raw, { allowed: false, remaining: 0, resetAt, retryAfter: Math.ceil((resetAt - now) / 1000) });
    });
  }

  async function status(scope: InvocationScope, key: string, raw: unknown): Promise<RateLimitResult> {
    return guarded(scope, 'status', raw, async (limit) => {
      // A limit of 0 never counts a hit: the call only prunes and reports.
      const window = await driver.slidingWindow(storeKey(key), 0, limit.windowMs);
      const now = clock();
      return result(raw, {
        allowed: window.count < limit.maxRequests,
        remaining: Math.max(0, limit.maxRequests - window.count),
        resetAt: window.count > 0 ? window.oldestExpiresAt : now + limit.windowMs,
        retryAfter: 0,
      });
    });
  }

  /** Enfyra builds these keys with template strings: a missing value reads "undefined". */
  function requestKey(scope: InvocationScope, kind: 'ip' | 'user' | 'route', withRoute: boolean): string {
    const info = request?.(scope) ?? {};
    const route = String(info.route ?? '').replace(/^[A-Z]+ /, '');
    const subject = kind === 'route' ? route : kind === 'ip' ? `${info.ip ?? undefined}` : `${info.userId || 'anonymous'}`;
    const key = `${kind}:${subject}`;
    return withRoute && kind !== 'route' ? `${key}:${route}` : key;
  }

  const byRequest = (kind: 'ip' | 'user' | 'route', withRoute: boolean, name: string) =>
    asyncMethod(([limit], scope) => hit(scope, name, requestKey(scope, kind, withRoute), limit));

  return {
    path: '$helpers.$rateLimit',
    methods: {
      check: asyncMethod(([key, limit], scope) => hit(scope, 'check', String(key), limit)),
      byIp: byRequest('ip', true, 'byIp'),
      byUser: byRequest('user', true, 'byUser'),
      byRoute: byRequest('route', true, 'byRoute'),
      byIpGlobal: byRequest('ip', false, 'byIpGlobal'),
      byUserGlobal: byRequest('user', false, 'byUserGlobal'),
      status: asyncMethod(([key, limit], scope) => status(scope, String(key), limit)),
      // Enfyra's reset is a plain DEL, and its errors reach the script. A window of 0 ms drops every hit.
      reset: asyncMethod(async ([key]) => {
        await driver.slidingWindow(storeKey(String(key)), 0, 0);
      }),
    },
  };
}
