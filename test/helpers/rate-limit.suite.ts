/**
 * `$helpers.$rateLimit` contract, run against any cache driver: the fixture
 * supplies the driver, the clock its window timestamps come from, and a way
 * to let time pass (a virtual clock, or real waiting).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheDriver, Clock } from '../../runtime/cache/driver.ts';
import type { RateLimitRequest, RateLimitResult } from '../../runtime/helpers/index.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { helpers, type Helpers } from './support.ts';

export interface RateLimitFixture {
  driver: CacheDriver;
  clock: Clock;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

type Limit = { maxRequests: number; perSeconds: number };

export function describeRateLimit(name: string, makeFixture: () => Promise<RateLimitFixture>): void {
  describe(`$helpers.$rateLimit (${name} driver)`, () => {
    let fixture: RateLimitFixture;
    let keys: string[];
    let request: RateLimitRequest;
    let call: Helpers;
    const rl = (method: string, ...args: unknown[]) =>
      call(`$helpers.$rateLimit.${method}`, ...args) as Promise<RateLimitResult>;
    const check = (key: string, limit: Limit) => rl('check', key, limit);

    beforeEach(async () => {
      fixture = await makeFixture();
      keys = [];
      request = { ip: '203.0.113.7', userId: 42, route: 'GET /orders/:id' };
      // Records the store keys the helper uses, so the key scheme is checked on every driver.
      const driver: CacheDriver = Object.create(fixture.driver, {
        slidingWindow: {
          value: (key: string, limit: number, windowMs: number) => {
            keys.push(key);
            return fixture.driver.slidingWindow(key, limit, windowMs);
          },
        },
      });
      call = helpers({ cache: { driver, namespace: 'app1', clock: fixture.clock }, request: () => request }, new Scope());
    });

    afterEach(async () => {
      await fixture.close();
    });

    it('admits exactly maxRequests of 20 concurrent requests', async () => {
      const limit = { maxRequests: 10, perSeconds: 60 };
      const results = await Promise.all(Array.from({ length: 20 }, () => check('burst', limit)));
      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(10);
      expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const denied of results.filter((r) => !r.allowed)) {
        expect(denied).toMatchObject({ remaining: 0, limit: 10, window: 60 });
        expect(denied.retryAfter).toBeGreaterThan(0);
        expect(denied.retryAfter).toBeLessThanOrEqual(60);
      }
    });

    it('admits again once the window has passed', async () => {
      const limit = { maxRequests: 3, perSeconds: 2 };
      for (let i = 0; i < 3; i++) expect((await check('w', limit)).allowed).toBe(true);
      expect((await check('w', limit)).allowed).toBe(false);
      await fixture.advance(2100);
      expect(await check('w', limit)).toMatchObject({ allowed: true, remaining: 2, retryAfter: 0 });
    });

    it('slides: old hits leave the window one by one', async () => {
      const limit = { maxRequests: 2, perSeconds: 2 };
      expect((await check('s', limit)).allowed).toBe(true);
      await fixture.advance(1000);
      expect((await check('s', limit)).allowed).toBe(true);
      const denied = await check('s', limit);
      expect(denied.allowed).toBe(false);
      expect(denied.resetAt - fixture.clock()).toBeGreaterThan(0);
      expect(denied.resetAt - fixture.clock()).toBeLessThanOrEqual(1000);
      expect(denied.retryAfter).toBe(1);
      await fixture.advance(1100);
      // The first hit has left; the second is still inside.
      expect(await check('s', limit)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await check('s', limit)).allowed).toBe(false);
    });

    it('reports limit, window and resetAt', async () => {
      const before = fixture.clock();
      const first = await check('r', { maxRequests: 5, perSeconds: 30 });
      expect(first).toMatchObject({ allowed: true, remaining: 4, retryAfter: 0, limit: 5, window: 30 });
      expect(first.resetAt).toBeGreaterThanOrEqual(before + 30_000);
      expect(first.resetAt).toBeLessThanOrEqual(fixture.clock() + 30_000);
    });

    it('status reports without counting a hit', async () => {
      const limit = { maxRequests: 3, perSeconds: 60 };
      expect(await rl('status', 'st', limit)).toMatchObject({ allowed: true, remaining: 3, retryAfter: 0, limit: 3 });
      await check('st', limit);
      for (let i = 0; i < 5; i++) expect(await rl('status', 'st', limit)).toMatchObject({ allowed: true, remaining: 2 });
      await check('st', limit);
      await check('st', limit);
      const full = await rl('status', 'st', limit);
      // As in Enfyra, status never reports a retryAfter; resetAt is when the oldest hit leaves the window.
      expect(full).toMatchObject({ allowed: false, remaining: 0, retryAfter: 0 });
      expect(full.resetAt - fixture.clock()).toBeGreaterThan(0);
      expect(full.resetAt - fixture.clock()).toBeLessThanOrEqual(60_000);
    });

    it('reset clears a key', async () => {
      const limit = { maxRequests: 1, perSeconds: 60 };
      await check('gone', limit);
      expect((await check('gone', limit)).allowed).toBe(false);
      expect(await rl('reset', 'gone')).toBeUndefined();
      expect(keys.at(-1)).toBe('app1:rl:gone');
      expect((await check('gone', limit)).allowed).toBe(true);
      await rl('reset', 'never-used');
      expect((await check('never-used', limit)).allowed).toBe(true);
    });

    it('keeps keys apart and under the namespace', async () => {
      const limit = { maxRequests: 1, perSeconds: 60 };
      expect((await check('a', limit)).allowed).toBe(true);
      expect((await check('b', limit)).allowed).toBe(true);
      expect(keys).toEqual(['app1:rl:a', 'app1:rl:b']);
    });

    it('by* variants key on the request', async () => {
      const limit = { maxRequests: 5, perSeconds: 60 };
      for (const method of ['byIp', 'byUser', 'byRoute', 'byIpGlobal', 'byUserGlobal']) {
        expect(await rl(method, limit)).toMatchObject({ allowed: true, remaining: 4 });
      }
      expect(keys).toEqual([
        'app1:rl:ip:203.0.113.7:/orders/:id',
        'app1:rl:user:42:/orders/:id',
        'app1:rl:route:/orders/:id',
        'app1:rl:ip:203.0.113.7',
        'app1:rl:user:42',
      ]);
    });

    it('by* budgets are per ip / user', async () => {
      const limit = { maxRequests: 1, perSeconds: 60 };
      expect((await rl('byUser', limit)).allowed).toBe(true);
      expect((await rl('byUser', limit)).allowed).toBe(false);
      request = { ...request, userId: 'u-7' };
      expect((await rl('byUser', limit)).allowed).toBe(true);
      request = { ...request, ip: '::1' };
      expect((await rl('byIpGlobal', limit)).allowed).toBe(true);
      expect((await rl('byIpGlobal', limit)).allowed).toBe(false);
      expect(keys.at(-1)).toBe('app1:rl:ip:::1');
    });

    it("by* key a request without a user as Enfyra does: 'anonymous' (and a missing ip as 'undefined')", async () => {
      const limit = { maxRequests: 1, perSeconds: 60 };
      request = { ip: '10.0.0.1', userId: null, route: 'GET /' };
      expect((await rl('byUser', limit)).allowed).toBe(true);
      expect((await rl('byUserGlobal', limit)).allowed).toBe(true);
      request = { userId: 1 };
      await rl('byIp', limit);
      expect(keys).toEqual(['app1:rl:user:anonymous:/', 'app1:rl:user:anonymous', 'app1:rl:ip:undefined:']);
    });

    it('check keys are used as given, whatever their type', async () => {
      const limit = { maxRequests: 1, perSeconds: 60 };
      await rl('check', 5, limit);
      await rl('check', '', limit);
      expect(keys).toEqual(['app1:rl:5', 'app1:rl:']);
    });

    it('numeric strings work as options, as tonumber() reads them in Enfyra', async () => {
      expect(await check('n', { maxRequests: '2', perSeconds: '60' } as unknown as Limit)).toMatchObject({
        allowed: true,
        remaining: 1,
        limit: '2',
        window: '60',
      });
    });

    describe('fails open, as Enfyra does, and warns', () => {
      it.each([
        [{ perSeconds: 60 }],
        [{ maxRequests: 10 }],
        [{ maxRequests: 'ten', perSeconds: 60 }],
        [{ maxRequests: 0, perSeconds: 60 }],
        [{ maxRequests: -3, perSeconds: 60 }],
        [{ maxRequests: 10, perSeconds: null }],
        [5],
      ])('options %j: allowed', async (options) => {
        const scope = new Scope();
        const result = (await helpers({ cache: { driver: fixture.driver, namespace: 'app1', clock: fixture.clock } }, scope)(
          '$helpers.$rateLimit.check',
          'open',
          options,
        )) as RateLimitResult;
        expect(result).toMatchObject({ allowed: true, retryAfter: 0 });
        expect(scope.warnings.map((w) => w.code)).toStrictEqual(['helpers.rate-limit-failed-open']);
      });

      it('a store that fails: allowed, with the whole budget', async () => {
        const broken = Object.create(fixture.driver, {
          slidingWindow: { value: () => Promise.reject(new Error('store down')) },
        }) as CacheDriver;
        const scope = new Scope();
        const result = await helpers({ cache: { driver: broken, namespace: 'app1', clock: fixture.clock } }, scope)(
          '$helpers.$rateLimit.byIp',
          { maxRequests: 5, perSeconds: 60 },
        );
        expect(result).toMatchObject({ allowed: true, remaining: 5, retryAfter: 0, limit: 5, window: 60 });
        expect(scope.warnings[0]).toMatchObject({ code: 'helpers.rate-limit-failed-open', message: expect.stringContaining('store down') });
      });

      it('no options at all is the TypeError Enfyra gives', async () => {
        await expect(rl('check', 'k')).rejects.toThrow(TypeError);
        await expect(rl('status', 'k', null)).rejects.toThrow("Cannot read properties of null (reading 'maxRequests')");
        expect(keys).toEqual([]);
      });
    });
  });
}
