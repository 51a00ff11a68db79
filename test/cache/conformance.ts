/**
 * The one behaviour suite every cache driver must pass, run through
 * `createCacheModule` (as scripts see it) and against the driver directly.
 * Each driver's test file calls `cacheConformance` with a harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { NotAnIntegerError } from '../../runtime/cache/driver.ts';
import { createCacheModule } from '../../runtime/cache/cache-module.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import type { HostModule } from '../../runtime/sandbox/host-module.ts';

export interface DriverHarness {
  driver: CacheDriver;
  /** Let `ms` pass as the driver sees time: advance its manual clock, or really wait. */
  elapse(ms: number): Promise<void>;
  /** Removes what the suite stored under `prefix` (namespaces all start with it) and closes the driver. */
  teardown(prefix: string): Promise<void>;
}

export interface ConformanceOptions {
  /** Unique per run: every namespace the suite uses starts with it. */
  prefix: string;
  setup(): Promise<DriverHarness>;
}

/** Short enough to wait out with real time, long enough to check a value before it expires. */
const TTL = 200;
const PAST_TTL = TTL + 150;
const MAX_VALUE_BYTES = 64;

export function cacheConformance(name: string, options: ConformanceOptions): void {
  describe(`${name}: cache conformance`, () => {
    let harness: DriverHarness;
    let driver: CacheDriver;
    let nsSeq = 0;

    beforeAll(async () => {
      harness = await options.setup();
      driver = harness.driver;
    });
    afterAll(async () => {
      await harness?.teardown(options.prefix);
    });

    /** A fresh namespace and module per test, so tests never see each other's keys. */
    function fresh(moduleOptions: { releaseLeakedLocks?: boolean; namespace?: string } = {}) {
      const ns = moduleOptions.namespace ?? `${options.prefix}-${++nsSeq}`;
      const mod = createCacheModule({
        driver,
        namespace: ns,
        maxValueBytes: MAX_VALUE_BYTES,
        releaseLeakedLocks: moduleOptions.releaseLeakedLocks ?? false,
      });
      const scope = new Scope();
      return { ns, mod, scope, cache: bind(mod, scope), stored: (key: string) => `${ns}:${key}` };
    }

    describe('get / set / setNoExpire / deleteKey', () => {
      it('returns null on a miss', async () => {
        const { cache } = fresh();
        expect(await cache.get('nope')).toBeNull();
      });

      it('round-trips JSON values exactly', async () => {
        const { cache } = fresh();
        const values: unknown[] = ['123', 123, 0, -1.5, true, false, null, '', 'héllo ✓', [1, '2', [3]], { a: { b: [null] } }];
        for (const [i, value] of values.entries()) {
          await cache.setNoExpire(`v${i}`, value);
          expect(await cache.get(`v${i}`)).toStrictEqual(value);
        }
        expect(typeof (await cache.get('v0'))).toBe('string');
      });

      it('stores Dates as ISO strings, as JSON does', async () => {
        const { cache } = fresh();
        const at = new Date(Date.UTC(2024, 4, 5, 6, 7, 8));
        await cache.set('d', { at }, 60_000);
        expect(await cache.get('d')).toStrictEqual({ at: '2024-05-05T06:07:08.000Z' });
      });

      it('reads a raw non-JSON string written by another process as that string', async () => {
        const { cache, stored } = fresh();
        await driver.set(stored('raw'), 'user-456 plain', null);
        await driver.set(stored('json'), '{"a":1}', null);
        expect(await cache.get('raw')).toBe('user-456 plain');
        expect(await cache.get('json')).toStrictEqual({ a: 1 });
      });

      it('accepts a finite number as a key, used as its decimal string', async () => {
        const { cache, stored } = fresh();
        await cache.setNoExpire(123, 'x');
        await cache.setNoExpire(1.5, 'y');
        expect(await cache.get('123')).toBe('x');
        expect(await cache.get(1.5)).toBe('y');
        expect(await driver.get(stored('1.5'))).toBe('"y"');
      });

      it('expires a value after its TTL', async () => {
        const { cache } = fresh();
        await cache.set('k', { n: 1 }, TTL);
        expect(await cache.get('k')).toStrictEqual({ n: 1 });
        await harness.elapse(PAST_TTL);
        expect(await cache.get('k')).toBeNull();
        expect(await cache.exists('k')).toBe(false);
      });

      it('setNoExpire clears an earlier TTL', async () => {
        const { cache, stored } = fresh();
        await cache.set('k', 1, TTL);
        await cache.setNoExpire('k', 2);
        expect(await driver.ttl(stored('k'))).toBeNull();
        await harness.elapse(PAST_TTL);
        expect(await cache.get('k')).toBe(2);
      });

      it('set with a TTL replaces a value that had none', async () => {
        const { cache } = fresh();
        await cache.setNoExpire('k', 1);
        await cache.set('k', 2, TTL);
        expect(await cache.get('k')).toBe(2);
        await harness.elapse(PAST_TTL);
        expect(await cache.get('k')).toBeNull();
      });

      it('deleteKey removes, and is fine when the key is absent', async () => {
        const { cache } = fresh();
        await cache.setNoExpire('k', 'v');
        await cache.deleteKey('k');
        expect(await cache.get('k')).toBeNull();
        await expect(cache.deleteKey('k')).resolves.toBeUndefined();
      });
    });

    describe('exists', () => {
      it('compares structurally, ignoring object key order', async () => {
        const { cache } = fresh();
        await cache.setNoExpire('k', { a: 1, b: [1, { c: 'x' }] });
        expect(await cache.exists('k', { b: [1, { c: 'x' }], a: 1 })).toBe(true);
        expect(await cache.exists('k', { a: 1, b: [{ c: 'x' }, 1] })).toBe(false);
        expect(await cache.exists('k', { a: 1 })).toBe(false);
        expect(await cache.exists('k', '{"a":1}')).toBe(false);
      });

      it('tells a string from the number it spells', async () => {
        const { cache } = fresh();
        await cache.setNoExpire('s', '123');
        expect(await cache.exists('s', '123')).toBe(true);
        expect(await cache.exists('s', 123)).toBe(false);
      });

      it('is false for an absent key, with or without a value', async () => {
        const { cache } = fresh();
        expect(await cache.exists('missing', 'x')).toBe(false);
        expect(await cache.exists('missing')).toBe(false);
      });

      it('with the value omitted, is true iff present (a stored null counts)', async () => {
        const { cache } = fresh();
        await cache.setNoExpire('n', null);
        expect(await cache.exists('n')).toBe(true);
        expect(await cache.exists('n', undefined)).toBe(true);
        expect(await cache.exists('n', null)).toBe(true);
        expect(await cache.exists('n', 0)).toBe(false);
      });

      it('matches a raw string written by another process', async () => {
        const { cache, stored } = fresh();
        await driver.set(stored('lock'), 'user-456', null);
        expect(await cache.exists('lock', 'user-456')).toBe(true);
      });
    });

    describe('acquire / release', () => {
      it('acquire twice: true then false', async () => {
        const { cache } = fresh();
        expect(await cache.acquire('lock', 'a', 10_000)).toBe(true);
        expect(await cache.acquire('lock', 'b', 10_000)).toBe(false);
        expect(await cache.get('lock')).toBe('a');
      });

      it('release with the wrong value is false and leaves the lock intact', async () => {
        const { cache } = fresh();
        await cache.acquire('lock', 'owner', 10_000);
        expect(await cache.release('lock', 'intruder')).toBe(false);
        expect(await cache.release('lock', { owner: true })).toBe(false);
        expect(await cache.exists('lock', 'owner')).toBe(true);
        expect(await cache.acquire('lock', 'intruder', 10_000)).toBe(false);
        expect(await cache.release('lock', 'owner')).toBe(true);
        expect(await cache.get('lock')).toBeNull();
        expect(await cache.acquire('lock', 'next', 10_000)).toBe(true);
      });

      it('release compares structurally', async () => {
        const { cache } = fresh();
        await cache.acquire('lock', { user: 7, node: 'a' }, 10_000);
        expect(await cache.release('lock', { node: 'a', user: 7 })).toBe(true);
        expect(await cache.exists('lock')).toBe(false);
      });

      it('releases a raw-string lock written by another process', async () => {
        const { cache, stored } = fresh();
        await driver.set(stored('lock'), 'user-456', 10_000);
        expect(await cache.release('lock', 'other')).toBe(false);
        expect(await cache.release('lock', 'user-456')).toBe(true);
        expect(await driver.get(stored('lock'))).toBeNull();
      });

      it('a lock expires after its TTL: release is then false and acquire succeeds', async () => {
        const { cache } = fresh();
        expect(await cache.acquire('lock', 'a', TTL)).toBe(true);
        expect(await cache.acquire('lock', 'b', TTL)).toBe(false);
        await harness.elapse(PAST_TTL);
        expect(await cache.release('lock', 'a')).toBe(false);
        expect(await cache.acquire('lock', 'b', 10_000)).toBe(true);
        expect(await cache.release('lock', 'a')).toBe(false);
        expect(await cache.get('lock')).toBe('b');
      });

      it('50 concurrent acquires of one key: exactly one wins', async () => {
        const { mod } = fresh();
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => bind(mod, new Scope()).acquire('hot', `owner-${i}`, 10_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('a plain set overwrites a lock (no lock semantics outside acquire)', async () => {
        const { cache } = fresh();
        await cache.acquire('lock', 'a', 10_000);
        await cache.setNoExpire('lock', 'b');
        expect(await cache.release('lock', 'a')).toBe(false);
        expect(await cache.release('lock', 'b')).toBe(true);
      });
    });

    describe('lockToken', () => {
      it('increases with every acquire and is null when not held', async () => {
        const { cache, mod } = fresh();
        expect(await cache.lockToken('a')).toBeNull();
        await cache.acquire('a', 1, 10_000);
        const first = (await cache.lockToken('a')) as number;
        expect(Number.isSafeInteger(first) && first > 0).toBe(true);
        await cache.release('a', 1);
        expect(await cache.lockToken('a')).toBeNull();
        await cache.acquire('a', 2, 10_000);
        const second = (await cache.lockToken('a')) as number;
        expect(second).toBeGreaterThan(first);
        await cache.acquire('b', 3, 10_000);
        expect(await cache.lockToken('b')).toBeGreaterThan(second);
        // Another invocation does not hold it.
        expect(await bind(mod, new Scope()).lockToken('a')).toBeNull();
        expect(await cache.acquire('a', 4, 10_000)).toBe(false);
        expect(await cache.lockToken('a')).toBe(second);
      });
    });

    describe('incr', () => {
      it('adds atomically, a missing key counting as 0', async () => {
        const { cache } = fresh();
        expect(await cache.incr('n')).toBe(1);
        expect(await cache.incr('n', 5)).toBe(6);
        expect(await cache.incr('n', -10)).toBe(-4);
        expect(await cache.get('n')).toBe(-4);
        await cache.setNoExpire('m', 41);
        expect(await cache.incr('m')).toBe(42);
      });

      it('50 concurrent increments all count', async () => {
        const { cache } = fresh();
        await Promise.all(Array.from({ length: 50 }, () => cache.incr('n')));
        expect(await cache.get('n')).toBe(50);
      });

      it('ttlMs applies only when the call creates the key', async () => {
        const { cache, stored } = fresh();
        expect(await cache.incr('window', 1, TTL)).toBe(1);
        expect(await cache.incr('window', 1, 60_000)).toBe(2);
        const left = (await driver.ttl(stored('window'))) as number;
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(TTL);
        await harness.elapse(PAST_TTL);
        expect(await cache.get('window')).toBeNull();
        await cache.incr('forever');
        expect(await driver.ttl(stored('forever'))).toBeNull();
      });

      it('rejects with TypeError when the stored value is not an integer, changing nothing', async () => {
        const { cache } = fresh();
        await cache.setNoExpire('s', '5');
        await cache.setNoExpire('f', 1.5);
        await cache.setNoExpire('o', { a: 1 });
        for (const key of ['s', 'f', 'o']) {
          await expectError(cache.incr(key), TypeError, '$cache.incr: the value stored at');
        }
        expect(await cache.get('s')).toBe('5');
        expect(await cache.get('f')).toBe(1.5);
      });
    });

    describe('namespaces', () => {
      it('two namespaces never see each other, and scripts never see the prefix', async () => {
        const a = fresh();
        const b = fresh();
        await a.cache.setNoExpire('shared', 'from-a');
        expect(await b.cache.get('shared')).toBeNull();
        expect(await b.cache.exists('shared')).toBe(false);
        expect(await b.cache.acquire('shared', 'b', 10_000)).toBe(true);
        expect(await a.cache.get('shared')).toBe('from-a');
        await b.cache.deleteKey('shared');
        expect(await a.cache.get('shared')).toBe('from-a');
        expect(await driver.get(a.stored('shared'))).toBe('"from-a"');
      });
    });

    describe('bad input: a clear error, and nothing written', () => {
      const badKeys: Array<[unknown, string]> = [
        ['', 'empty string'],
        [true, 'boolean'],
        [false, 'boolean'],
        [{ a: 1 }, 'object'],
        [['k'], 'array'],
        [null, 'null'],
        [undefined, 'undefined'],
        [Number.NaN, 'NaN'],
        [Number.POSITIVE_INFINITY, 'Infinity'],
        [Number.NEGATIVE_INFINITY, '-Infinity'],
        [new Unrepresentable('function', 'function'), 'function'],
        [new Unrepresentable('bigint', 'BigInt'), 'BigInt'],
      ];

      it.each(['get', 'set', 'setNoExpire', 'deleteKey', 'exists', 'acquire', 'release', 'incr', 'lockToken'])(
        '%s rejects every key that is not a non-empty string or a finite number',
        async (method) => {
          const { cache, stored } = fresh();
          for (const [key, got] of badKeys) {
            const args = method === 'set' || method === 'acquire' ? [key, 'v', 10_000] : [key, 'v'];
            await expectError(
              cache[method]!(...args),
              TypeError,
              `$cache.${method}: key must be a non-empty string or a finite number, got ${got}`,
            );
            expect(await driver.get(stored(String(key)))).toBeNull();
          }
        },
      );

      const badTtls: Array<[unknown, ErrorClass]> = [
        [undefined, TypeError],
        [null, TypeError],
        ['1000', TypeError],
        [true, TypeError],
        [0, RangeError],
        [-5, RangeError],
        [Number.NaN, RangeError],
        [Number.POSITIVE_INFINITY, RangeError],
        [Number.MAX_VALUE, RangeError],
      ];

      it.each(['set', 'acquire'])('%s rejects a missing, zero, negative, NaN, infinite or non-number ttlMs', async (method) => {
        const { cache } = fresh();
        for (const [ttl, errorClass] of badTtls) {
          await expectError(cache[method]!('k', 'v', ttl), errorClass, `$cache.${method}: ttlMs must be a positive`);
          expect(await cache.exists('k')).toBe(false);
        }
        expect(await cache.acquire('k', 'v', 10_000)).toBe(true);
      });

      it('incr rejects a bad ttlMs or a non-integer by, writing nothing', async () => {
        const { cache } = fresh();
        for (const [ttl, errorClass] of badTtls.filter(([ttl]) => ttl !== undefined)) {
          await expectError(cache.incr('n', 1, ttl), errorClass, '$cache.incr: ttlMs');
        }
        await expectError(cache.incr('n', 1.5), RangeError, '$cache.incr: by must be a safe integer');
        await expectError(cache.incr('n', '2'), TypeError, '$cache.incr: by must be an integer, got string');
        await expectError(cache.incr('n', Number.NaN), RangeError, '$cache.incr: by');
        expect(await cache.exists('n')).toBe(false);
      });

      const badValues: Array<[unknown, string]> = [
        [undefined, 'got undefined'],
        [new Unrepresentable('function', 'function at .handler'), 'got function at .handler'],
        [new Unrepresentable('symbol', 'symbol'), 'got symbol'],
        [new Unrepresentable('bigint', 'BigInt at .n'), 'got BigInt at .n'],
        [new Unrepresentable('circular', 'circular reference at .self'), 'got circular reference at .self'],
        [() => 1, 'got function'],
        [Symbol('s'), 'got symbol'],
        [10n, 'BigInt'],
        [circular(), 'circular'],
      ];

      it.each(['set', 'setNoExpire', 'acquire'])('%s rejects a value JSON cannot represent', async (method) => {
        const { cache } = fresh();
        for (const [value, fragment] of badValues) {
          const err = await expectError(
            cache[method]!('k', value, 10_000),
            TypeError,
            `$cache.${method}: value must be representable as JSON`,
          );
          expect(err.message).toContain(fragment);
          expect(await cache.exists('k')).toBe(false);
        }
      });

      it.each(['set', 'setNoExpire', 'acquire'])('%s rejects a value over maxValueBytes, counting UTF-8 bytes', async (method) => {
        const { cache } = fresh();
        await expectError(cache[method]!('k', 'x'.repeat(MAX_VALUE_BYTES), 10_000), RangeError, 'cache.maxValueBytes');
        // 30 characters, 60 bytes, 62 with the quotes: fits. 33 characters, 68 bytes: does not.
        await expectError(cache[method]!('k', 'é'.repeat(33), 10_000), RangeError, `over the limit of ${MAX_VALUE_BYTES}`);
        expect(await cache.exists('k')).toBe(false);
        await cache[method]!('k', 'é'.repeat(30), 10_000);
        expect(await cache.get('k')).toBe('é'.repeat(30));
      });

      it('exists and release reject values JSON cannot represent; release needs a value', async () => {
        const { cache } = fresh();
        await cache.acquire('lock', 'v', 10_000);
        await expectError(cache.exists('lock', new Unrepresentable('function', 'function')), TypeError, '$cache.exists: value');
        const err = await expectError(cache.release('lock', undefined), TypeError, '$cache.release: value must be representable as JSON');
        expect(err.message).toMatch(/got undefined$/);
        await expectError(cache.release('lock', new Unrepresentable('bigint', 'BigInt')), TypeError, '$cache.release: value');
        expect(await cache.get('lock')).toBe('v');
      });
    });

    describe('locks still held when the invocation ends', () => {
      it('warns, naming the key, and leaves the lock when releaseLeakedLocks is off', async () => {
        const { mod, scope, cache } = fresh();
        await cache.acquire('leaked', 'me', 10_000);
        await cache.acquire('returned', 'me', 10_000);
        await cache.release('returned', 'me');
        await mod.onInvocationEnd!(scope);
        expect(scope.warnings).toHaveLength(1);
        expect(scope.warnings[0]!.message).toContain('"leaked"');
        expect(scope.warnings[0]!.message).toContain('until its TTL');
        expect(await cache.exists('leaked', 'me')).toBe(true);
      });

      it('releases them by compare-and-delete when releaseLeakedLocks is on', async () => {
        const { mod, scope, cache } = fresh({ releaseLeakedLocks: true });
        await cache.acquire('leaked', { by: 'me' }, 10_000);
        await mod.onInvocationEnd!(scope);
        expect(scope.warnings).toHaveLength(1);
        expect(scope.warnings[0]).toMatchObject({ code: 'cache.lock-leaked', message: expect.stringMatching(/"leaked".*released it/) });
        expect(await cache.exists('leaked')).toBe(false);
      });

      it("never releases someone else's lock that replaced an expired one", async () => {
        const first = fresh({ releaseLeakedLocks: true });
        await first.cache.acquire('lock', 'first', TTL);
        await harness.elapse(PAST_TTL);
        const second = bind(first.mod, new Scope());
        expect(await second.acquire('lock', 'second', 10_000)).toBe(true);
        await first.mod.onInvocationEnd!(first.scope);
        expect(first.scope.warnings[0]!.message).toMatch(/"lock".*expired or been replaced/);
        expect(await second.get('lock')).toBe('second');
      });

      it('a lock removed with deleteKey is no longer reported', async () => {
        const { mod, scope, cache } = fresh();
        await cache.acquire('lock', 'me', 10_000);
        await cache.deleteKey('lock');
        await mod.onInvocationEnd!(scope);
        expect(scope.warnings).toStrictEqual([]);
      });
    });

    describe('driver, directly', () => {
      const key = (suffix: string) => `${options.prefix}-direct:${suffix}`;

      it('get/set/delete/ttl', async () => {
        expect(await driver.get(key('a'))).toBeNull();
        expect(await driver.ttl(key('a'))).toBe(-1);
        await driver.set(key('a'), 'raw', null);
        expect(await driver.get(key('a'))).toBe('raw');
        expect(await driver.ttl(key('a'))).toBeNull();
        await driver.set(key('a'), 'raw2', 60_000);
        const left = (await driver.ttl(key('a'))) as number;
        expect(left).toBeGreaterThan(59_000);
        expect(left).toBeLessThanOrEqual(60_000);
        expect(await driver.delete(key('a'))).toBe(true);
        expect(await driver.delete(key('a'))).toBe(false);
      });

      it('an expired key is absent for every method', async () => {
        await driver.set(key('e'), '1', TTL);
        await harness.elapse(PAST_TTL);
        expect(await driver.get(key('e'))).toBeNull();
        expect(await driver.ttl(key('e'))).toBe(-1);
        expect(await driver.release(key('e'), '1')).toBe(false);
        expect(await driver.delete(key('e'))).toBe(false);
        expect(await driver.incr(key('e'), 1, null)).toBe(1);
      });

      it('acquire/release compare exact strings', async () => {
        expect(await driver.acquire(key('l'), '{"a":1,"b":2}', 10_000)).toBe(true);
        expect(await driver.acquire(key('l'), 'x', 10_000)).toBe(false);
        expect(await driver.release(key('l'), '{"b":2,"a":1}')).toBe(false);
        expect(await driver.release(key('l'), '{"a":1,"b":2}')).toBe(true);
        expect(await driver.get(key('l'))).toBeNull();
      });

      it('acquire takes over an expired key but not a live one without expiry', async () => {
        await driver.set(key('x'), 'old', TTL);
        await driver.set(key('forever'), 'v', null);
        await harness.elapse(PAST_TTL);
        expect(await driver.acquire(key('x'), 'new', 10_000)).toBe(true);
        expect(await driver.get(key('x'))).toBe('new');
        expect(await driver.acquire(key('forever'), 'new', 10_000)).toBe(false);
      });

      it('incr rejects non-integers with NotAnIntegerError', async () => {
        for (const raw of ['abc', '1.5', '"5"', ' 5', '01', '99999999999999999999']) {
          await driver.set(key('i'), raw, null);
          await expect(driver.incr(key('i'), 1, null)).rejects.toBeInstanceOf(NotAnIntegerError);
          expect(await driver.get(key('i'))).toBe(raw);
        }
        await driver.set(key('i'), '-7', null);
        expect(await driver.incr(key('i'), 2, null)).toBe(-5);
      });

      it('nextFencingToken is monotonic per counter', async () => {
        const a = await driver.nextFencingToken(key('fence'));
        const b = await driver.nextFencingToken(key('fence'));
        const tokens = await Promise.all(Array.from({ length: 20 }, () => driver.nextFencingToken(key('fence'))));
        expect(b).toBe(a + 1);
        expect(new Set(tokens).size).toBe(20);
        expect(Math.min(...tokens)).toBe(b + 1);
      });

      it('slidingWindow counts hits up to the limit, then refuses', async () => {
        const k = key('window');
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await driver.slidingWindow(k, 3, 60_000));
        expect(results.map((r) => r.allowed)).toStrictEqual([true, true, true, false]);
        expect(results.map((r) => r.count)).toStrictEqual([1, 2, 3, 3]);
        const last = results[3]!;
        expect(last.oldestExpiresAt).toBe(results[0]!.now + 60_000);
        expect(last.oldestExpiresAt - last.now).toBeGreaterThan(0);
        expect(last.oldestExpiresAt - last.now).toBeLessThanOrEqual(60_000);
      });

      it('slidingWindow admits again once old hits leave the window', async () => {
        const k = key('slide');
        expect((await driver.slidingWindow(k, 2, TTL)).allowed).toBe(true);
        expect((await driver.slidingWindow(k, 2, TTL)).allowed).toBe(true);
        expect((await driver.slidingWindow(k, 2, TTL)).allowed).toBe(false);
        await harness.elapse(PAST_TTL);
        const again = await driver.slidingWindow(k, 2, TTL);
        expect(again).toMatchObject({ allowed: true, count: 1 });
        expect(again.oldestExpiresAt).toBe(again.now + TTL);
      });

      it('slidingWindow: limit 0 only reports, windowMs 0 clears', async () => {
        const k = key('peek');
        await driver.slidingWindow(k, 5, 60_000);
        await driver.slidingWindow(k, 5, 60_000);
        const peek = await driver.slidingWindow(k, 0, 60_000);
        expect(peek).toMatchObject({ allowed: false, count: 2 });
        expect((await driver.slidingWindow(k, 0, 60_000)).count).toBe(2);
        const cleared = await driver.slidingWindow(k, 0, 0);
        expect(cleared).toMatchObject({ allowed: false, count: 0 });
        expect(cleared.oldestExpiresAt).toBe(cleared.now);
        expect((await driver.slidingWindow(k, 0, 60_000)).count).toBe(0);
      });

      it('slidingWindow admits exactly the limit under concurrency', async () => {
        const results = await Promise.all(Array.from({ length: 30 }, () => driver.slidingWindow(key('burst'), 7, 60_000)));
        expect(results.filter((r) => r.allowed)).toHaveLength(7);
      });
    });
  });
}

type ErrorClass = new (...args: never[]) => Error;
type BoundCache = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** `$cache` as a script sees it: each method called with a real Scope, arguments as the bridge passes them. */
export function bind(mod: HostModule, scope: Scope): BoundCache {
  const cache: BoundCache = {};
  for (const [name, method] of Object.entries(mod.methods)) {
    cache[name] = (...args: unknown[]) => Promise.resolve(method.call(scope, args));
  }
  return cache;
}

async function expectError(pending: Promise<unknown>, errorClass: ErrorClass, fragment: string): Promise<Error> {
  const err = await pending.then(
    () => {
      throw new Error(`expected a ${errorClass.name} containing "${fragment}", but the call succeeded`);
    },
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(errorClass);
  expect(err.message).toContain(fragment);
  return err;
}

function circular(): object {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}
