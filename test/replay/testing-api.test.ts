/** The helpers a user's own test suite imports from the package, used the way a user would. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../runtime/index.ts';
import { expectFixture, readState, replayFixture, seedState } from '../../runtime/replay/testing.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { bareProject } from './support.ts';

describe('fixtures from your own tests', () => {
  it('replayFixture returns the result replay reports; expectFixture passes quietly', async () => {
    const result = await replayFixture('fixtures/requests/hello.json', { cwd: PROJECT_ROOT });
    expect(result).toMatchObject({ status: 'passed', displayPath: 'fixtures/requests/hello.json' });
    await expect(expectFixture('fixtures/requests/rate-limit.json', { cwd: PROJECT_ROOT })).resolves.toMatchObject({ status: 'passed' });
  });

  it('expectFixture fails with the report replay would print (step, field, expected, actual)', async () => {
    const dir = bareProject({
      'hooks/hello.js': readFileSync(path.join(PROJECT_ROOT, 'hooks/hello.js'), 'utf8'),
      'fixtures/requests/wrong.json': { hook: 'hooks/hello.js', request: { params: { id: '1' } }, expect: { data: { id: '2' } } },
    });
    const failure = expectFixture('fixtures/requests/wrong.json', { cwd: dir });
    await expect(failure).rejects.toThrow(/^fixture fixtures\/requests\/wrong\.json failed:\nFAIL .*\n\s+request \(hooks\/hello\.js\):\n\s+data\.id\n\s+expected: "2"\n\s+actual: {3}"1"/);
    await expect(failure).rejects.toMatchObject({ name: 'FixtureFailed' });
  });

  it('a missing file is an error naming it', async () => {
    await expect(replayFixture('fixtures/requests/nope.json', { cwd: PROJECT_ROOT })).rejects.toThrow(/fixture path not found: fixtures\/requests\/nope\.json/);
  });
});

describe('seeding and reading state without knowing key prefixes or encodings', () => {
  it('seedState puts cache entries and rows in place; hooks see them; readState reads them back decoded', async () => {
    const runtime = await createRuntime({ cwd: PROJECT_ROOT, env: {}, config: { cache: { driver: 'memory', namespace: 'my-tests' }, database: { sqlitePath: ':memory:' } } });
    try {
      await seedState(runtime, {
        cache: { 'user-profile:42': { value: { id: 42, name: 'Seeded' }, ttl: '5m' } },
        tables: { products: [{ id: 1, name: 'Renamed by the test' }] },
      });
      const profile = await runtime.run('hooks/cache-first.js', { params: { id: '42' } });
      expect(profile.logs).toEqual(['User profile served from cache: 42']);
      expect(profile.data).toMatchObject({ id: 42, name: 'Seeded' });
      const row = await runtime.run({ source: 'return (await $ctx.$repos.products.find({ where: { id: { _eq: 1 } } })).data[0].name;' });
      expect(row.data).toBe('Renamed by the test');

      await runtime.run({ source: "await $ctx.$cache.set('written', { n: 7 }, 60000); await $ctx.$repos.products.update({ id: 2, data: { stock: 3 } });" });
      const state = await readState(runtime, { cache: ['written', 'absent'], tables: { products: [2, 999] } });
      expect(state.cache).toEqual({ written: { n: 7 } });
      expect(Object.keys(state.tables.products!)).toEqual(['2']);
      expect(state.tables.products!['2']).toMatchObject({ id: 2, stock: 3 });
    } finally {
      await runtime.close();
    }
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an entry without a value', { cache: { k: { ttl: 5 } } }, /seedState: state\.cache\.k\.value: required/],
    ['a bad TTL', { cache: { k: { value: 1, ttl: 'soon' } } }, /seedState: state\.cache\.k\.ttl: expected a duration/],
    ['an unknown table', { tables: { nope: [{ id: 1 }] } }, /seedState: state\.tables\.nope: unknown table "nope"/],
    ['an unknown column', { tables: { products: [{ id: 1, nme: 'x' }] } }, /seedState: state\.tables\.products\[0\]\.nme: unknown column "nme"/],
  ];
  for (const [label, state, message] of bad) {
    it(`refuses ${label}, naming the field`, async () => {
      const runtime = await createRuntime({ cwd: PROJECT_ROOT, env: {}, config: { cache: { driver: 'memory' }, database: { sqlitePath: ':memory:' } } });
      try {
        await expect(seedState(runtime, state as never)).rejects.toThrow(message);
      } finally {
        await runtime.close();
      }
    });
  }
});
