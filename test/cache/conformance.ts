/**
 * The one behaviour suite every cache driver must pass, run through
 * `createCacheModule` (as scripts see it) and against the driver directly.
 * Each driver's test file calls `cacheConformance` with a harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheDriver } from '../../runtime/cache/driver.ts';
import { NotAnIntegerError } from '../../runtime/cache/driver.ts';
import { createCacheModule, type CacheModuleOptions } from '../../runtime/cache/cache-module.ts';
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
/** The lifecycle TTL of most tests: far longer than any test, shorter than the explicit TTLs some tests compare with. */
const LIFECYCLE_TTL = 60_000;
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
    function fresh(moduleOptions: Partial<CacheModuleOptions> = {}) {
      const ns = moduleOptions.namespace ?? `${options.prefix}-${++nsSeq}`;
      const mod = createCacheModule({
        driver,
        namespace: ns,
        lifecycleTtlMs: LIFECYCLE_TTL,
        maxValueBytes: MAX_VALUE_BYTES,
        limitBytes: 0,
        releaseLeakedLocks: false,
        ...moduleOptions,
      });
      const scope = new Scope();
      return {
        ns,
        mod,
        scope,
        cache: bind(mod, scope),
        stored: (key: string) => `${ns}:user_cache:${key}`,
        codes: () => scope.warnings.map((w) => w.code),
      };
    }

    describe('keys: Enfyra\'s layout', () => {
      it('stores <namespace>:user_cache:<key>', async () => {
        const { cache, ns } = fresh();
        await cache.set('user:1', { name: 'A' }, 60_000);
        expect(await driver.get(`${ns}:user_cache:user:1`)).toBe('{"name":"A"}');
      });

      it('takes a key that already carries the prefix as it is', async () => {
        const { cache, stored } = fresh();
        await cache.set('k', 1, 60_000);
        expect(await cache.get(stored('k'))).toBe(1);
        await cache.set(stored('k'), 2, 60_000);
        expect(await cache.get('k')).toBe(2);
        expect(await driver.get(stored(stored('k')))).toBeNull();
      });

      it('two namespaces never see each other', async () => {
        const a = fresh();
        const b = fresh();
        await a.cache.set('shared', 'from-a', 60_000);
        expect(await b.cache.get('shared')).toBeNull();
        expect(await b.cache.exists('shared', 'from-a')).toBe(false);
        expect(await b.cache.acquire('shared', 'b', 10_000)).toBe(true);
        expect(await a.cache.get('shared')).toBe('from-a');
        await b.cache.deleteKey('shared');
        expect(await a.cache.get('shared')).toBe('from-a');
      });
    });

    describe('values: strings raw, the rest JSON, JSON-parsed on read', () => {
      it('returns null on a miss', async () => {
        const { cache } = fresh();
        expect(await cache.get('nope')).toBeNull();
      });

      it('stores a string as it is and anything else as JSON text', async () => {
        const { cache, stored } = fresh();
        const cases: Array<[unknown, string]> = [
          ['plain', 'plain'],
          ['', ''],
          ['héllo ✓', 'héllo ✓'],
          [{ a: 1 }, '{"a":1}'],
          [[1, '2'], '[1,"2"]'],
          [123, '123'],
          [true, 'true'],
          [null, 'null'],
        ];
        for (const [i, [value, text]] of cases.entries()) {
          await cache.set(`v${i}`, value, 60_000);
          expect(await driver.get(stored(`v${i}`))).toBe(text);
        }
      });

      it('round-trips objects, arrays, numbers, booleans, null and plain strings', async () => {
        const { cache } = fresh();
        const values: unknown[] = [123, 0, -1.5, true, false, null, '', 'abc', 'héllo ✓', [1, '2', [3]], { a: { b: [null] } }];
        for (const [i, value] of values.entries()) {
          await cache.set(`v${i}`, value, 60_000);
          expect(await cache.get(`v${i}`)).toStrictEqual(value);
        }
      });

      it('a string that is JSON reads back parsed, and warns', async () => {
        const { cache, scope } = fresh();
        const cases: Array<[string, unknown]> = [
          ['123', 123],
          ['true', true],
          ['null', null],
          ['"quoted"', 'quoted'],
          ['{"a":1}', { a: 1 }],
          ['[1]', [1]],
        ];
        for (const [i, [text, back]] of cases.entries()) {
          await cache.set(`s${i}`, text, 60_000);
          expect(await cache.get(`s${i}`)).toStrictEqual(back);
        }
        const warned = scope.warnings.filter((w) => w.code === 'cache.string-reads-back-as-json');
        expect(warned.map((w) => w.message).join('\n')).toContain('reads back as a number');
        expect(warned.every((w) => w.message.includes("'123' reads back as 123"))).toBe(true);
      });

      it('a string that is not JSON does not warn', async () => {
        const { cache, codes } = fresh();
        await cache.set('k', 'user-456', 60_000);
        await cache.set('e', '', 60_000);
        expect(codes()).not.toContain('cache.string-reads-back-as-json');
      });

      it('reads text another process wrote: JSON parsed, anything else raw', async () => {
        const { cache, stored } = fresh();
        await driver.set(stored('raw'), 'user-456 plain', 60_000);
        await driver.set(stored('json'), '{"a":1}', 60_000);
        expect(await cache.get('raw')).toBe('user-456 plain');
        expect(await cache.get('json')).toStrictEqual({ a: 1 });
      });

      it('an explicit undefined is stored as null, and warns', async () => {
        const { cache, stored, codes } = fresh();
        await cache.set('u', undefined, 60_000);
        expect(await driver.get(stored('u'))).toBe('null');
        expect(await cache.get('u')).toBeNull();
        expect(codes()).toContain('cache.undefined-stored-as-null');
      });

      it('a value that was never passed fails as Enfyra\'s size check does, writing nothing', async () => {
        const { cache } = fresh();
        for (const call of [() => cache.set('k'), () => cache.setNoExpire('k'), () => cache.acquire('k')]) {
          await expectError(call(), TypeError, 'The "string" argument must be of type string');
        }
        expect(await cache.get('k')).toBeNull();
      });

      it('nested Dates arrive as ISO strings, as JSON has them', async () => {
        const { cache } = fresh();
        const at = new Date(Date.UTC(2024, 4, 5, 6, 7, 8));
        await cache.set('d', { at }, 60_000);
        expect(await cache.get('d')).toStrictEqual({ at: '2024-05-05T06:07:08.000Z' });
      });

      it('deleteKey removes, and is fine when the key is absent', async () => {
        const { cache } = fresh();
        await cache.set('k', 'v', 60_000);
        expect(await cache.deleteKey('k')).toBeUndefined();
        expect(await cache.get('k')).toBeNull();
        await expect(cache.deleteKey('k')).resolves.toBeUndefined();
      });
    });

    describe('TTL: given, or the namespace lifecycle TTL', () => {
      it('expires a value after its TTL', async () => {
        const { cache, stored } = fresh();
        await cache.set('k', { n: 1 }, TTL);
        const left = (await driver.ttl(stored('k'))) as number;
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(TTL);
        expect(await cache.get('k')).toStrictEqual({ n: 1 });
        await harness.elapse(PAST_TTL);
        expect(await cache.get('k')).toBeNull();
      });

      it('a TTL in a numeric string counts, as JavaScript compares it', async () => {
        const { cache, stored } = fresh();
        await cache.set('k', 1, '600000');
        expect(await driver.ttl(stored('k'))).toBeGreaterThan(LIFECYCLE_TTL);
      });

      it.each([
        ['omitted', []],
        ['undefined', [undefined]],
        ['null', [null]],
        ['0', [0]],
        ['negative', [-5]],
        ['an object', [{ ms: 5 }]],
        ['a non-numeric string', ['soon']],
      ])('set with a TTL %s: the lifecycle TTL, and a warning', async (_name, ttl) => {
        const { cache, stored, codes } = fresh();
        await cache.set('k', 'v', ...ttl);
        const left = (await driver.ttl(stored('k'))) as number;
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(LIFECYCLE_TTL);
        expect(codes()).toContain('cache.set-without-ttl');
        expect(codes()).not.toContain('cache.ttl-renewed');
      });

      it('setNoExpire stores with the lifecycle TTL, replacing an earlier one, and warns', async () => {
        const { cache, stored, codes } = fresh();
        await cache.set('k', 1, 600_000);
        await cache.setNoExpire('k', 2);
        const left = (await driver.ttl(stored('k'))) as number;
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(LIFECYCLE_TTL);
        expect(await cache.get('k')).toBe(2);
        expect(codes()).toContain('cache.set-no-expire');
      });

      it('values without a TTL do expire, at the lifecycle TTL', async () => {
        const { cache } = fresh({ lifecycleTtlMs: TTL });
        await cache.setNoExpire('a', 1);
        await cache.set('b', 2);
        expect(await cache.get('a')).toBe(1);
        await harness.elapse(PAST_TTL);
        expect(await cache.get('a')).toBeNull();
        expect(await cache.get('b')).toBeNull();
      });

      it('a positive TTL warns that Enfyra keeps renewing it', async () => {
        const { scope, cache } = fresh();
        await cache.set('k', 1, 60_000);
        const warning = scope.warnings.find((w) => w.code === 'cache.ttl-renewed');
        expect(warning?.message).toMatch(/renews every \$cache key to its lifecycle TTL \(1 min\) every 20 s/);
      });

      it('a loop of calls warns once per trap', async () => {
        const { scope, cache } = fresh();
        for (let i = 0; i < 5; i++) await cache.set(`k${i}`, i, 60_000);
        expect(scope.warnings.map((w) => w.code)).toStrictEqual(['cache.ttl-renewed']);
      });

      it.each([
        [1.5, 'ERR value is not an integer or out of range'],
        ['1e3', 'ERR value is not an integer or out of range'],
        [' 50', 'ERR value is not an integer or out of range'],
        [true, 'ERR value is not an integer or out of range'],
        [9_000_000_000_000_001, "ERR invalid expire time in 'set' command"],
      ])('a positive TTL Redis cannot take (%s) fails with its reply, writing nothing', async (ttl, message) => {
        const { cache } = fresh();
        await expectError(cache.set('k', 'v', ttl), Error, message);
        await expectError(cache.acquire('k', 'v', ttl), Error, message);
        expect(await cache.get('k')).toBeNull();
      });
    });

    describe('exists: JSON text', () => {
      it('is true for the same value, key order included', async () => {
        const { cache } = fresh();
        await cache.set('k', { a: 1, b: [1, { c: 'x' }] }, 60_000);
        expect(await cache.exists('k', { a: 1, b: [1, { c: 'x' }] })).toBe(true);
        expect(await cache.exists('k', { a: 1, b: [{ c: 'x' }, 1] })).toBe(false);
        expect(await cache.exists('k', { a: 1 })).toBe(false);
        expect(await cache.exists('k', '{"a":1,"b":[1,{"c":"x"}]}')).toBe(true);
      });

      it('is false for the same keys in another order, and warns', async () => {
        const { cache, codes } = fresh();
        await cache.set('k', { a: 1, b: 2 }, 60_000);
        expect(await cache.exists('k', { b: 2, a: 1 })).toBe(false);
        expect(codes()).toContain('cache.key-order');
      });

      it('compares parsed values: a string and the number it spells are equal', async () => {
        const { cache } = fresh();
        await cache.set('s', '123', 60_000);
        expect(await cache.exists('s', '123')).toBe(true);
        expect(await cache.exists('s', 123)).toBe(true);
        expect(await cache.exists('s', 124)).toBe(false);
      });

      it('without a value it is false even for a present key, and warns', async () => {
        const { cache, codes } = fresh();
        await cache.set('k', 'v', 60_000);
        expect(await cache.exists('k')).toBe(false);
        expect(codes()).toContain('cache.exists-without-value');
      });

      it('an explicit undefined compares with null', async () => {
        const { cache } = fresh();
        await cache.set('n', null, 60_000);
        expect(await cache.exists('n', undefined)).toBe(true);
        expect(await cache.exists('n', null)).toBe(true);
        expect(await cache.exists('n', 0)).toBe(false);
      });

      it('is false for an absent key', async () => {
        const { cache } = fresh();
        expect(await cache.exists('missing', 'x')).toBe(false);
      });

      it('matches a raw string written by another process', async () => {
        const { cache, stored } = fresh();
        await driver.set(stored('lock'), 'user-456', 60_000);
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

      it('release compares the stored text: the same object in another key order stays locked, and warns', async () => {
        const { cache, codes } = fresh();
        await cache.acquire('lock', { user: 7, node: 'a' }, 10_000);
        expect(await cache.release('lock', { node: 'a', user: 7 })).toBe(false);
        expect(codes()).toContain('cache.key-order');
        expect(await cache.release('lock', { user: 7, node: 'a' })).toBe(true);
        expect(await cache.get('lock')).toBeNull();
      });

      it('a number releases the lock its digits were stored as, and the other way round', async () => {
        const { cache } = fresh();
        await cache.acquire('a', 42, 10_000);
        expect(await cache.release('a', '42')).toBe(true);
        await cache.acquire('b', '42', 10_000);
        expect(await cache.release('b', 42)).toBe(true);
      });

      it('release without a value compares with an empty string, as Redis gets it', async () => {
        const { cache } = fresh();
        await cache.acquire('lock', 'me', 10_000);
        expect(await cache.release('lock')).toBe(false);
        await cache.acquire('empty', '', 10_000);
        expect(await cache.release('empty')).toBe(true);
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

      it('acquire without a positive TTL holds the lock for the lifecycle TTL, and warns', async () => {
        const { cache, stored, codes } = fresh();
        expect(await cache.acquire('lock', 'me', 0)).toBe(true);
        const left = (await driver.ttl(stored('lock'))) as number;
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(LIFECYCLE_TTL);
        expect(codes()).toContain('cache.set-without-ttl');
      });

      it('acquire with a TTL warns that a lock never released stays taken while Enfyra runs', async () => {
        const { cache, scope } = fresh();
        await cache.acquire('lock', 'me', 10_000);
        expect(scope.warnings.find((w) => w.code === 'cache.ttl-renewed')?.message).toContain('a lock that is never released');
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
        await cache.set('lock', 'b', 10_000);
        expect(await cache.release('lock', 'a')).toBe(false);
        expect(await cache.release('lock', 'b')).toBe(true);
      });

      it('release says false for any store error, and warns', async () => {
        const failing = Object.create(driver) as CacheDriver;
        failing.release = () => Promise.reject(new Error('store down'));
        const { cache, scope } = fresh({ driver: failing });
        expect(await cache.acquire('lock', 'me', 10_000)).toBe(true);
        expect(await cache.release('lock', 'me')).toBe(false);
        expect(scope.warnings.find((w) => w.code === 'cache.release-failed')?.message).toContain('store down');
        expect(await cache.get('lock')).toBe('me');
      });
    });

    describe('extensions (incr, lockToken): work, and warn that Enfyra lacks them', () => {
      it('lockToken increases with every acquire and is null when not held', async () => {
        const { cache, mod, codes } = fresh();
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
        expect(codes()).toContain('cache.extension');
      });

      it('incr adds atomically, a missing key counting as 0', async () => {
        const { cache, scope } = fresh();
        expect(await cache.incr('n')).toBe(1);
        expect(await cache.incr('n', 5)).toBe(6);
        expect(await cache.incr('n', -10)).toBe(-4);
        expect(await cache.get('n')).toBe(-4);
        await cache.set('m', 41, 60_000);
        expect(await cache.incr('m')).toBe(42);
        expect(scope.warnings.find((w) => w.code === 'cache.extension')?.message).toContain('Cache method not found: incr');
      });

      it('50 concurrent increments all count', async () => {
        const { cache } = fresh();
        await Promise.all(Array.from({ length: 50 }, () => cache.incr('n')));
        expect(await cache.get('n')).toBe(50);
      });

      it('incr: the TTL (the lifecycle TTL when none is given) applies only when the call creates the key', async () => {
        const { cache, stored } = fresh();
        expect(await cache.incr('window', 1, TTL)).toBe(1);
        expect(await cache.incr('window', 1, 60_000)).toBe(2);
        const left = (await driver.ttl(stored('window'))) as number;
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(TTL);
        await harness.elapse(PAST_TTL);
        expect(await cache.get('window')).toBeNull();
        await cache.incr('lifecycle');
        const lifecycle = (await driver.ttl(stored('lifecycle'))) as number;
        expect(lifecycle).toBeGreaterThan(TTL);
        expect(lifecycle).toBeLessThanOrEqual(LIFECYCLE_TTL);
      });

      it('incr rejects with TypeError when the stored value is not an integer, changing nothing', async () => {
        const { cache } = fresh();
        await cache.set('s', 'five', 60_000);
        await cache.set('f', 1.5, 60_000);
        await cache.set('o', { a: 1 }, 60_000);
        for (const key of ['s', 'f', 'o']) {
          await expectError(cache.incr(key), TypeError, '$cache.incr: the value stored at');
        }
        expect(await cache.get('s')).toBe('five');
        expect(await cache.get('f')).toBe(1.5);
      });

      it('incr rejects a non-integer by, writing nothing', async () => {
        const { cache } = fresh();
        await expectError(cache.incr('n', 1.5), RangeError, '$cache.incr: by must be a safe integer');
        await expectError(cache.incr('n', '2'), TypeError, '$cache.incr: by must be an integer, got string');
        expect(await cache.get('n')).toBeNull();
      });
    });

    describe('bad input: Enfyra\'s errors, and nothing written', () => {
      const badKeys: unknown[] = ['', 42, 1.5, true, { a: 1 }, ['k'], null, undefined];

      it.each(['get', 'set', 'setNoExpire', 'deleteKey', 'exists', 'acquire', 'release', 'incr', 'lockToken'])(
        '%s rejects every key that is not a non-empty string: "cache key is required"',
        async (method) => {
          const { cache, stored } = fresh();
          for (const key of badKeys) {
            await expectError(cache[method]!(key, 'v', 10_000), Error, 'cache key is required');
            expect(await driver.get(stored(String(key)))).toBeNull();
          }
        },
      );

      it('a number as key is refused with a hint', async () => {
        const { cache, scope } = fresh();
        await expectError(cache.get(42), Error, 'cache key is required');
        expect(scope.warnings[0]).toMatchObject({ code: 'cache.key-not-string', message: expect.stringContaining('a number') });
      });

      it.each(['set', 'setNoExpire', 'acquire'])('%s refuses a value the bridge could not carry', async (method) => {
        const { cache } = fresh();
        for (const value of [new Unrepresentable('bigint', 'BigInt at .n'), new Unrepresentable('circular', 'circular structure')]) {
          const err = await expectError(cache[method]!('k', value, 10_000), TypeError, 'cannot cross to the cache as JSON');
          expect(err.message).toContain(value.detail);
        }
        expect(await cache.get('k')).toBeNull();
      });

      it.each(['set', 'setNoExpire', 'acquire'])('%s refuses a value over maxValueBytes, counting UTF-8 bytes of the stored text', async (method) => {
        const { cache } = fresh();
        await expectError(
          cache[method]!('k', 'x'.repeat(MAX_VALUE_BYTES + 1), 10_000),
          Error,
          `$cache value is ${MAX_VALUE_BYTES + 1} bytes, above REDIS_USER_CACHE_MAX_VALUE_BYTES=${MAX_VALUE_BYTES}`,
        );
        // 32 é are 64 bytes raw: fits. 33 are 66: does not. As JSON, "é"×31 with quotes is 64 bytes.
        await expectError(cache[method]!('k', 'é'.repeat(33), 10_000), Error, 'is 66 bytes');
        await expectError(cache[method]!('k', ['é'.repeat(31)], 10_000), Error, 'is 66 bytes');
        expect(await cache.get('k')).toBeNull();
        await cache[method]!('k', 'é'.repeat(32), 10_000);
        expect(await cache.get('k')).toBe('é'.repeat(32));
      });

      it('a value over the namespace capacity is refused', async () => {
        const { cache } = fresh({ maxValueBytes: 0, limitBytes: 100 });
        await expectError(cache.set('k', 'x'.repeat(101), 10_000), Error, 'above REDIS_USER_CACHE_LIMIT_MB capacity 100 bytes');
        await cache.set('k', 'x'.repeat(100), 10_000);
        expect(await cache.get('k')).toBe('x'.repeat(100));
      });

      it('exists and release refuse a value the bridge could not carry', async () => {
        const { cache } = fresh();
        await cache.acquire('lock', 'v', 10_000);
        await expectError(cache.exists('lock', new Unrepresentable('bigint', 'BigInt')), TypeError, 'cannot cross');
        await expectError(cache.release('lock', new Unrepresentable('bigint', 'BigInt')), TypeError, 'cannot cross');
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
        const leaked = scope.warnings.filter((w) => w.code === 'cache.lock-leaked');
        expect(leaked).toHaveLength(1);
        expect(leaked[0]!.message).toContain('"leaked"');
        expect(leaked[0]!.message).toContain('until its TTL');
        expect(await cache.exists('leaked', 'me')).toBe(true);
      });

      it('releases them by compare-and-delete when releaseLeakedLocks is on', async () => {
        const { mod, scope, cache } = fresh({ releaseLeakedLocks: true });
        await cache.acquire('leaked', { by: 'me' }, 10_000);
        await mod.onInvocationEnd!(scope);
        expect(scope.warnings.filter((w) => w.code === 'cache.lock-leaked')).toStrictEqual([
          expect.objectContaining({ message: expect.stringMatching(/"leaked".*released it/) }),
        ]);
        expect(await cache.get('leaked')).toBeNull();
      });

      it("never releases someone else's lock that replaced an expired one", async () => {
        const first = fresh({ releaseLeakedLocks: true });
        await first.cache.acquire('lock', 'first', TTL);
        await harness.elapse(PAST_TTL);
        const second = bind(first.mod, new Scope());
        expect(await second.acquire('lock', 'second', 10_000)).toBe(true);
        await first.mod.onInvocationEnd!(first.scope);
        expect(first.scope.warnings.find((w) => w.code === 'cache.lock-leaked')!.message).toMatch(/"lock".*expired or been replaced/);
        expect(await second.get('lock')).toBe('second');
      });

      it('a lock removed with deleteKey is no longer reported', async () => {
        const { mod, scope, cache } = fresh();
        await cache.acquire('lock', 'me', 10_000);
        await cache.deleteKey('lock');
        await mod.onInvocationEnd!(scope);
        expect(scope.warnings.filter((w) => w.code === 'cache.lock-leaked')).toStrictEqual([]);
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
