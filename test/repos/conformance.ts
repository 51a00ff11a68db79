/**
 * The repository conformance suite: one set of expectations, run against
 * every dialect (sqlite.test.ts, postgres.test.ts, mariadb.test.ts). Each
 * test gets its own freshly seeded tables: a private in-memory copy on
 * SQLite, uniquely prefixed tables (dropped afterwards) on the servers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../runtime/shared/http-errors.ts';
import { openDatabase, type Database } from '../../runtime/repos/database.ts';
import { dropTables } from '../../runtime/repos/ddl.ts';
import { loadFixtures } from '../../runtime/repos/fixtures.ts';
import type { Row } from '../../runtime/repos/repository.ts';
import { createSqliteTemplate, type SqliteTemplate } from '../../runtime/repos/sqlite-image.ts';
import { uniqueTablePrefix, type TestDatabase } from '../support/databases.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const conformanceFixtures = loadFixtures({
  schema: path.join(here, 'fixtures/schema.json'),
  seed: path.join(here, 'fixtures/seed.json'),
});

const ALL_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const ITEM_COLUMNS = [
  'id', 'name', 'category', 'price', 'score', 'qty', 'active', 'releasedAt',
  'meta', 'notes', 'ownerId', 'createdAt', 'updatedAt',
];

export async function expectHttpError(work: () => Promise<unknown>, status: number, message?: RegExp): Promise<HttpError> {
  let caught: unknown = null;
  try {
    await work();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an HttpError').toBeInstanceOf(HttpError);
  const err = caught as HttpError;
  expect(err.statusCode, err.message).toBe(status);
  if (message) expect(err.message).toMatch(message);
  return err;
}

const ids = (result: { data: Row[] }) => result.data.map((row) => row.id);

export function describeRepositoryConformance(target: TestDatabase): void {
  const title = `repositories on ${target.label}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`;
  describe.skipIf(target.skipReason !== null)(title, () => {
    let template: SqliteTemplate | undefined;
    let db: Database;

    beforeAll(async () => {
      if (target.client === 'sqlite') template = await createSqliteTemplate(conformanceFixtures);
    });
    beforeEach(async () => {
      db = template
        ? template.open()
        : await openDatabase(target.config, { fixtures: conformanceFixtures, tablePrefix: uniqueTablePrefix() });
    });
    afterEach(async () => {
      if (target.client !== 'sqlite') await dropTables(db);
      await db.close();
    });

    const items = () => db.repository('items');
    const where = async (filter: unknown) => ids(await items().find({ filter, limit: 0 }));
    const count = async (table = 'items') => (await db.repository(table).find({ limit: 0, meta: 'totalCount' })).meta.totalCount;

    describe('find: limit, page, fields, sort, meta', () => {
      it('returns { data, meta } with 10 rows by default, in primary key order', async () => {
        const result = await items().find();
        expect(ids(result)).toEqual(ALL_IDS.slice(0, 10));
        expect(result.meta).toEqual({});
        expect(Object.keys(result.data[0]!)).toEqual(ITEM_COLUMNS);
      });

      it('limit: 0 returns every row; numeric strings are accepted', async () => {
        expect(ids(await items().find({ limit: 0 }))).toEqual(ALL_IDS);
        expect(ids(await items().find({ limit: '3' }))).toEqual([1, 2, 3]);
        await expectHttpError(() => items().find({ limit: -1 }), 400, /limit/);
        await expectHttpError(() => items().find({ limit: 'ten' }), 400, /limit/);
        await expectHttpError(() => items().find({ limit: 1.5 }), 400, /limit/);
      });

      it('pages through results', async () => {
        expect(ids(await items().find({ limit: 5, page: 2 }))).toEqual([6, 7, 8, 9, 10]);
        expect(ids(await items().find({ limit: 5, page: 3 }))).toEqual([11, 12]);
        await expectHttpError(() => items().find({ page: 0 }), 400, /page/);
      });

      it('fields as a string or an array select and order the columns', async () => {
        const a = await items().find({ fields: 'id, name', limit: 1 });
        expect(a.data).toEqual([{ id: 1, name: 'Apple' }]);
        const b = await items().find({ fields: ['name', 'id'], limit: 1 });
        expect(Object.keys(b.data[0]!)).toEqual(['name', 'id']);
        const c = await items().find({ fields: '*', limit: 1 });
        expect(Object.keys(c.data[0]!)).toEqual(ITEM_COLUMNS);
        await expectHttpError(() => items().find({ fields: 'id,nope' }), 400, /unknown field "nope" in table "items"/);
        await expectHttpError(() => items().find({ fields: 'owner.name' }), 400, /unknown field "owner.name"/);
        await expectHttpError(() => items().find({ fields: 5 }), 400, /fields/);
      });

      it('sorts by several fields, strings by code point, NULLs first ascending and last descending', async () => {
        expect(ids(await items().find({ sort: 'name', limit: 0 }))).toEqual([1, 3, 4, 7, 9, 10, 11, 2, 6, 8, 12, 5]);
        expect(ids(await items().find({ sort: 'category,-price', limit: 0 }))).toEqual([11, 10, 3, 7, 8, 1, 12, 2, 9, 5, 4, 6]);
        expect(ids(await items().find({ sort: ['-score'], limit: 0 }))).toEqual([11, 5, 1, 4, 9, 2, 7, 12, 6, 10, 3, 8]);
        expect(ids(await items().find({ sort: 'score', limit: 0 }))).toEqual([3, 8, 10, 6, 12, 7, 2, 9, 4, 1, 5, 11]);
        expect(ids(await items().find({ sort: '-releasedAt', limit: 3 }))).toEqual([12, 11, 10]);
        expect(ids(await items().find({ sort: '-id', limit: 2 }))).toEqual([12, 11]);
        await expectHttpError(() => items().find({ sort: 'nope' }), 400, /unknown sort field "nope"/);
        await expectHttpError(() => items().find({ sort: 'meta' }), 400, /json column/);
      });

      it('meta: totalCount, filterCount, both, or *', async () => {
        const filter = { category: 'fruit' };
        expect((await items().find({ filter, meta: 'totalCount' })).meta).toEqual({ totalCount: 12 });
        expect((await items().find({ filter, meta: 'filterCount' })).meta).toEqual({ filterCount: 6 });
        const both = { totalCount: 12, filterCount: 6 };
        expect((await items().find({ filter, meta: ['totalCount', 'filterCount'] })).meta).toEqual(both);
        expect((await items().find({ filter, meta: 'totalCount,filterCount' })).meta).toEqual(both);
        expect((await items().find({ filter, meta: '*', limit: 1 })).meta).toEqual(both);
        await expectHttpError(() => items().find({ meta: 'sum' }), 400, /unknown meta "sum"/);
      });

      it('accepts where as an alias of filter, but not both', async () => {
        expect(ids(await items().find({ where: { id: { _eq: 2 } } }))).toEqual([2]);
        await expectHttpError(() => items().find({ where: {}, filter: {} }), 400, /either "filter" or "where"/);
      });

      it('rejects unknown options and non-object options', async () => {
        await expectHttpError(() => items().find({ deep: { owner: {} } }), 400, /unknown option "deep"/);
        await expectHttpError(() => items().find('id = 1'), 400, /options must be an object/);
      });
    });

    describe('find: operators', () => {
      it('_eq, shorthand and string ids', async () => {
        expect(await where({ name: { _eq: 'Apple' } })).toEqual([1]);
        expect(await where({ name: 'Apple' })).toEqual([1]);
        expect(await where({ name: { _eq: 'apple' } })).toEqual([]); // equality is case-sensitive everywhere
        expect(await where({ id: '1' })).toEqual([1]);
        expect(await where({ id: { _eq: '3' } })).toEqual([3]);
        expect(await where({ active: false })).toEqual([3, 6, 9, 12]);
        expect(await where({ active: 'false' })).toEqual([3, 6, 9, 12]);
        expect(await where({ active: { _eq: true } })).toEqual([1, 2, 4, 5, 7, 8, 10, 11]);
        expect(await where({ price: 0.25 })).toEqual([2]);
        expect(await where({ releasedAt: '2024-02-15T14:30:00+02:00' })).toEqual([2]);
      });

      it('_eq / _neq null and the null shorthand', async () => {
        expect(await where({ category: null })).toEqual([10, 11]);
        expect(await where({ category: { _eq: null } })).toEqual([10, 11]);
        expect(await where({ category: { _neq: null } })).toHaveLength(10);
      });

      it('_neq excludes NULLs, as SQL does', async () => {
        expect(await where({ category: { _neq: 'fruit' } })).toEqual([4, 5, 6, 9]);
      });

      it('_gt _gte _lt _lte on numbers, date-times and strings', async () => {
        expect(await where({ price: { _gt: 5 } })).toEqual([4, 9, 11]);
        expect(await where({ price: { _gte: '5' } })).toEqual([3, 4, 9, 11]);
        expect(await where({ qty: { _lt: 3 } })).toEqual([2, 7, 11]);
        expect(await where({ qty: { _lte: 3 } })).toEqual([2, 4, 7, 11]);
        expect(await where({ releasedAt: { _gt: '2024-05-01' } })).toEqual([8, 10, 11, 12]);
        expect(await where({ releasedAt: { _lt: '2024-01-01T00:00:00.000Z' } })).toEqual([3]);
        expect(await where({ releasedAt: { _lte: '2024-01-01' } })).toEqual([1, 3]);
        expect(await where({ name: { _gt: 'a' } })).toEqual([2, 5, 6, 8, 12]);
        expect(await where({ price: { _gte: 1, _lt: 3 } })).toEqual([1, 6, 10]);
      });

      it('_between, inclusive, from an array or "a,b"', async () => {
        expect(await where({ price: { _between: [1, 3] } })).toEqual([1, 6, 8, 10]);
        expect(await where({ price: { _between: '1,3' } })).toEqual([1, 6, 8, 10]);
        expect(await where({ releasedAt: { _between: ['2024-01-01', '2024-02-15T12:30:00Z'] } })).toEqual([1, 2, 6]);
        await expectHttpError(() => where({ price: { _between: [1] } }), 400, /two values/);
      });

      it('_in and _not_in; [] matches nothing / everything', async () => {
        expect(await where({ id: { _in: [1, 3, '5'] } })).toEqual([1, 3, 5]);
        expect(await where({ id: { _in: '1,2' } })).toEqual([1, 2]);
        expect(await where({ id: { _in: '[1,2]' } })).toEqual([1, 2]);
        expect(await where({ category: { _in: ['melon', 'plant'] } })).toEqual([4, 9]);
        expect(await where({ id: { _in: [] } })).toEqual([]);
        expect(await where({ id: { _not_in: [] } })).toEqual(ALL_IDS);
        expect(await where({ id: { _not_in: [1, 2] } })).toEqual(ALL_IDS.slice(2));
        expect(await where({ category: { _not_in: ['fruit'] } })).toEqual([4, 5, 6, 9]);
        await expectHttpError(() => where({ id: { _in: 5 } }), 400, /_in on "id" expects an array/);
        await expectHttpError(() => where({ id: { _in: [1, null] } }), 400, /_is_null/);
      });

      it('_contains, _starts_with, _ends_with are case-insensitive, Unicode included', async () => {
        expect(await where({ name: { _contains: 'an' } })).toEqual([2, 6]);
        expect(await where({ name: { _contains: 'APP' } })).toEqual([1]);
        expect(await where({ name: { _contains: 'éCL' } })).toEqual([5]);
        expect(await where({ notes: { _contains: 'BRÛLÉE' } })).toEqual([5]);
        expect(await where({ name: { _starts_with: 'G' } })).toEqual([8]);
        expect(await where({ name: { _starts_with: 'date p' } })).toEqual([4]);
        expect(await where({ name: { _ends_with: 'RY' } })).toEqual([3]);
        expect(await where({ name: { _ends_with: 'fruit' } })).toEqual([11]);
      });

      it('LIKE wildcards and the escape character in the value are literal', async () => {
        expect(await where({ notes: { _contains: '%' } })).toEqual([7]);
        expect(await where({ notes: { _contains: '_' } })).toEqual([7]);
        expect(await where({ notes: { _contains: '50% off_' } })).toEqual([7]);
        expect(await where({ notes: { _contains: '!' } })).toEqual([12]);
        expect(await where({ notes: { _starts_with: '%' } })).toEqual([]);
        await expectHttpError(() => where({ qty: { _contains: '1' } }), 400, /only for string and text columns/);
      });

      it('_is_null and _is_not_null with true or false', async () => {
        expect(await where({ category: { _is_null: true } })).toEqual([10, 11]);
        expect(await where({ category: { _is_null: 'true' } })).toEqual([10, 11]);
        expect(await where({ category: { _is_null: false } })).toHaveLength(10);
        expect(await where({ score: { _is_not_null: false } })).toEqual([3, 8]);
        expect(await where({ score: { _is_not_null: true } })).toHaveLength(10);
        expect(await where({ meta: { _is_null: true } })).toEqual([3, 8, 10]);
        await expectHttpError(() => where({ score: { _is_null: 1 } }), 400, /true or false/);
      });

      it('_and, _or, _not nest', async () => {
        expect(
          await where({ _or: [{ price: { _gt: 9 } }, { _and: [{ category: 'fruit' }, { active: false }] }] }),
        ).toEqual([3, 4, 11, 12]);
        expect(await where({ _not: { category: { _eq: 'fruit' } } })).toEqual([4, 5, 6, 9]);
        expect(await where({ _not: { _or: [{ id: 1 }, { id: 2 }] }, qty: { _gt: 10 } })).toEqual([3, 6, 8, 10, 12]);
        expect(
          await where({ _and: [{ _or: [{ category: 'melon' }, { category: 'plant' }] }, { _not: { _not: { active: true } } }] }),
        ).toEqual([4]);
      });

      it('empty groups: _and [] and {} match all, _or [] and _not {} match nothing', async () => {
        expect(await where({ _and: [] })).toEqual(ALL_IDS);
        expect(await where({})).toEqual(ALL_IDS);
        expect(await where({ _or: [] })).toEqual([]);
        expect(await where({ _not: {} })).toEqual([]);
        expect(await where({ _or: [{}, { id: 1 }] })).toEqual(ALL_IDS);
        expect(await where({ _or: [{ id: { _in: [] } }, { id: 2 }] })).toEqual([2]);
      });

      it('rejects unknown columns and operators, misplaced operators and bad values with 400s', async () => {
        await expectHttpError(() => where({ nope: 1 }), 400, /unknown column "nope" in table "items"/);
        await expectHttpError(() => where({ name: { _like: 'x' } }), 400, /unknown operator "_like" on "name"/);
        await expectHttpError(() => where({ _eq: 1 }), 400, /operator "_eq" must be given per column/);
        await expectHttpError(() => where({ id: 'abc' }), 400, /invalid value for items.id: expected an integer/);
        await expectHttpError(() => where({ releasedAt: 'yesterday' }), 400, /ISO 8601/);
        await expectHttpError(() => where({ releasedAt: '2024-02-30' }), 400, /not a valid date-time/);
        await expectHttpError(() => where({ price: [1, 2] }), 400, /_in/);
        await expectHttpError(() => where({ _or: { id: 1 } }), 400, /_or expects an array/);
        await expectHttpError(() => where({ meta: { _eq: { k: 'v' } } }), 400, /json columns support only/);
        await expectHttpError(() => where([{ id: 1 }]), 400, /expected an object/);
        await expectHttpError(() => where({ id: { _gt: null } }), 400, /needs a value/);
        await expectHttpError(() => where({ id: {} }), 400, /"id": no operator given/);
      });

      it('limits nesting depth', async () => {
        let deep: Record<string, unknown> = { id: 1 };
        for (let i = 0; i < 40; i++) deep = { _not: deep };
        await expectHttpError(() => where(deep), 400, /nested deeper/);
      });
    });

    describe('create', () => {
      it('returns { data: [row], meta } with id, defaults and timestamps filled', async () => {
        const before = Date.now();
        const result = await items().create({ data: { name: 'Lime', price: '2.5', category: 'fruit' } });
        expect(result.meta).toEqual({});
        expect(result.data).toHaveLength(1);
        const row = result.data[0]!;
        expect(row).toMatchObject({ id: 13, name: 'Lime', price: 2.5, qty: 0, active: true, category: 'fruit', meta: null });
        expect(Object.keys(row)).toEqual(ITEM_COLUMNS);
        expect(row.createdAt).toBe(row.updatedAt);
        const created = Date.parse(row.createdAt as string);
        expect(created).toBeGreaterThanOrEqual(before - 1000);
        expect(created).toBeLessThanOrEqual(Date.now() + 1000);
        expect(await count()).toBe(13);
      });

      it('honours fields', async () => {
        const result = await items().create({ data: { name: 'Lime' }, fields: 'id,name' });
        expect(result.data).toEqual([{ id: 13, name: 'Lime' }]);
      });

      it('fills a datetime default of "now" and keeps string primary keys', async () => {
        const result = await db.repository('codes').create({ data: { code: 'C3', label: 'Gamma' } });
        expect(result.data[0]).toMatchObject({ code: 'C3', label: 'Gamma' });
        expect(Math.abs(Date.parse(result.data[0]!.seenAt as string) - Date.now())).toBeLessThan(5000);
        await expectHttpError(() => db.repository('codes').create({ data: { label: 'x' } }), 400, /missing required field "code"/);
      });

      it('continues the id sequence after an explicit id', async () => {
        expect(ids(await items().create({ data: { id: 100, name: 'Hundred' } }))).toEqual([100]);
        expect(ids(await items().create({ data: { name: 'Next' } }))).toEqual([101]);
      });

      it('rejects bad data with 400s and duplicates with 409', async () => {
        await expectHttpError(() => items().create({ data: { price: 1 } }), 400, /missing required field "name"/);
        await expectHttpError(() => items().create({ data: { name: 'X', nope: 1 } }), 400, /unknown column "nope" in table "items"/);
        await expectHttpError(() => items().create({ data: { name: null } }), 400, /items.name cannot be null/);
        await expectHttpError(() => items().create({ data: { name: 'x'.repeat(41) } }), 400, /longer than 40/);
        await expectHttpError(() => items().create({ data: { name: 'X', qty: 2 ** 31 } }), 400, /out of range/);
        await expectHttpError(() => items().create({ data: { name: 'X', price: 'cheap' } }), 400, /expected a number/);
        await expectHttpError(() => items().create({ data: { name: 'X', active: 'yes' } }), 400, /expected a boolean/);
        await expectHttpError(() => items().create({ data: { name: 'X', ownerId: 999 } }), 400, /referenced row/);
        await expectHttpError(() => items().create({ data: [{ name: 'X' }] }), 400, /"data" must be an object/);
        await expectHttpError(() => items().create({}), 400, /"data" must be an object/);
        await expectHttpError(() => items().create({ data: { name: 'Apple' } }), 409, /already exists/);
        await expectHttpError(() => db.repository('codes').create({ data: { code: 'A1', label: 'dup' } }), 409, /code/);
        expect(await count()).toBe(12);
      });

      it('counts string length in characters', async () => {
        const name = '😀'.repeat(40);
        expect((await items().create({ data: { name } })).data[0]!.name).toBe(name);
      });
    });

    describe('update', () => {
      it('returns { data: [row], meta } and refreshes updatedAt only', async () => {
        const before = Date.now();
        const result = await items().update({ id: 1, data: { price: 9.5, notes: 'updated' } });
        expect(result.meta).toEqual({});
        expect(result.data).toHaveLength(1);
        const row = result.data[0]!;
        expect(row).toMatchObject({ id: 1, name: 'Apple', price: 9.5, notes: 'updated', createdAt: '2024-01-01T00:00:00.000Z' });
        expect(Date.parse(row.updatedAt as string)).toBeGreaterThanOrEqual(before - 1000);
        expect((await items().find({ filter: { id: 1 } })).data[0]).toEqual(row);
      });

      it('accepts a string id, fields, nulls and an unchanged primary key in data', async () => {
        const result = await items().update({ id: '2', data: { id: 2, category: null }, fields: ['id', 'category'] });
        expect(result.data).toEqual([{ id: 2, category: null }]);
        const empty = await items().update({ id: 3, data: {} });
        expect(empty.data[0]!.name).toBe('Cherry');
      });

      it('updates by string primary key', async () => {
        const result = await db.repository('codes').update({ id: 'b2', data: { label: 'Bravo' } });
        expect(result.data[0]).toMatchObject({ code: 'b2', label: 'Bravo' });
        await expectHttpError(() => db.repository('codes').update({ id: 'B2', data: { label: 'x' } }), 404);
      });

      it('is a 404 for a missing id, a 400 without one', async () => {
        await expectHttpError(() => items().update({ id: 999, data: { qty: 1 } }), 404, /items: no row with id 999/);
        await expectHttpError(() => items().update({ id: 'abc', data: { qty: 1 } }), 404, /items: no row with id "abc"/);
        await expectHttpError(() => items().update({ data: { qty: 1 } }), 400, /"id" is required/);
      });

      it('rejects a changed primary key, bad values and duplicates', async () => {
        await expectHttpError(() => items().update({ id: 1, data: { id: 2 } }), 400, /cannot be changed/);
        await expectHttpError(() => items().update({ id: 1, data: { qty: 'many' } }), 400, /items.qty/);
        await expectHttpError(() => items().update({ id: 1, data: { name: 'banana' } }), 409, /name/);
        await expectHttpError(() => items().update({ id: 1 }), 400, /"data" must be an object/);
        expect((await items().find({ filter: { id: 1 } })).data[0]!.name).toBe('Apple');
      });
    });

    describe('delete', () => {
      it('returns the Enfyra message and removes the row', async () => {
        expect(await items().delete({ id: 12 })).toEqual({ message: 'Delete successfully!', statusCode: 200 });
        expect(await where({ id: 12 })).toEqual([]);
        expect(await items().delete({ id: '11' })).toEqual({ message: 'Delete successfully!', statusCode: 200 });
        expect(await count()).toBe(10);
      });

      it('is a 404 for a missing id, also the second time', async () => {
        await expectHttpError(() => items().delete({ id: 999 }), 404, /no row with id 999/);
        await items().delete({ id: 10 });
        await expectHttpError(() => items().delete({ id: 10 }), 404);
        await expectHttpError(() => items().delete({ id: 'x' }), 404);
        await expectHttpError(() => items().delete({}), 400, /"id" is required/);
      });

      it('deletes by string primary key', async () => {
        await db.repository('codes').delete({ id: 'b2' });
        expect((await db.repository('codes').find()).data.map((r) => r.code)).toEqual(['A1']);
      });

      it('follows the schema: restrict is a 409, cascade removes dependants', async () => {
        await expectHttpError(() => db.repository('owners').delete({ id: 1 }), 409, /still referenced/);
        await items().delete({ id: 1 });
        expect(ids(await db.repository('reviews').find())).toEqual([3]);
      });
    });

    describe('values read back the same on every dialect', () => {
      it('booleans, numbers and date-times from the seed', async () => {
        const rows = (await items().find({ limit: 0 })).data;
        for (const row of rows) {
          expect(typeof row.active).toBe('boolean');
          expect(typeof row.qty).toBe('number');
          expect(typeof row.price).toBe('number');
        }
        expect(rows[0]).toMatchObject({ price: 1.5, score: 4.5, qty: 10, active: true, releasedAt: '2024-01-01T00:00:00.000Z' });
        expect(rows[2]).toMatchObject({ score: null, active: false, releasedAt: '2023-12-31T23:59:59.999Z' });
        expect(rows[6]!.releasedAt).toBe('2024-04-10T10:10:10.100Z');
        expect(rows[3]!.releasedAt).toBeNull();
      });

      it('JSON values of every kind', async () => {
        const rows = (await items().find({ limit: 0, fields: 'meta' })).data.map((r) => r.meta);
        expect(rows).toEqual([
          { color: 'red' }, { color: 'yellow', tags: ['a'] }, null, [1, 2, 3], 'just a string', 42,
          { nested: { deep: [true, null] } }, null, { k: 'v' }, null, true, '123',
        ]);
        const value = { a: [1, { b: null }], s: "it's \"quoted\"", u: 'ü 😀', n: -1.5e-7, empty: {} };
        const created = await items().create({ data: { name: 'J', meta: value }, fields: 'id,meta' });
        expect(created.data[0]!.meta).toEqual(value);
        for (const next of [[], '123', 0, false, 'null']) {
          const updated = await items().update({ id: created.data[0]!.id, data: { meta: next }, fields: 'meta' });
          expect(updated.data[0]!.meta).toEqual(next);
        }
      });

      it('date-times normalise to UTC ISO strings with milliseconds', async () => {
        const cases: Array<[string | number, string]> = [
          ['2024-02-29T23:59:59.5+01:00', '2024-02-29T22:59:59.500Z'],
          ['2025-01-01', '2025-01-01T00:00:00.000Z'],
          ['2025-06-30 12:00', '2025-06-30T12:00:00.000Z'],
          [Date.UTC(2030, 0, 2, 3, 4, 5, 6), '2030-01-02T03:04:05.006Z'],
        ];
        for (const [input, expected] of cases) {
          const row = (await items().update({ id: 4, data: { releasedAt: input }, fields: 'releasedAt' })).data[0]!;
          expect(row.releasedAt).toBe(expected);
          expect(await where({ releasedAt: expected })).toEqual([4]);
        }
      });

      it('decimals, floats, long and non-ASCII text', async () => {
        const notes = `${'Ünïcødé ✓ 😀 '.repeat(800)}end`;
        const row = (
          await items().create({ data: { name: 'Žluťoučký kůň', price: 12.34, score: 0.1 + 0.2, notes } })
        ).data[0]!;
        expect(row).toMatchObject({ name: 'Žluťoučký kůň', price: 12.34, score: 0.1 + 0.2 });
        expect(row.notes).toBe(notes);
        expect(await where({ name: 'Žluťoučký kůň' })).toEqual([row.id]);
      });
    });

    describe('injection attempts are rejected or treated as data', () => {
      const hostile = ['name; DROP TABLE items', 'id) OR 1=1 --', "items' --", 'items"; DROP TABLE owners; --'];

      async function expectIntact(): Promise<void> {
        expect(await count('items')).toBe(12);
        expect(await count('owners')).toBe(3);
        for (const table of db.schema.tables.keys()) {
          expect(await db.knex.schema.hasTable(db.physical(table))).toBe(true);
        }
      }

      it('through table names', async () => {
        for (const name of hostile) await expectHttpError(async () => db.repository(name).find(), 400, /unknown table/);
        const err = await expectHttpError(async () => db.repository('name; DROP TABLE products').find(), 400);
        expect(err.message).toContain('unknown table "name; DROP TABLE products"');
        await expectIntact();
      });

      it('through filter keys and operator names', async () => {
        for (const key of hostile) {
          await expectHttpError(() => where({ [key]: 1 }), 400, /unknown column/);
          await expectHttpError(() => where({ id: { [key]: 1 } }), 400, /unknown operator/);
          await expectHttpError(() => where({ _or: [{ [key]: { _eq: 1 } }] }), 400, /unknown column/);
        }
        await expectIntact();
      });

      it('through values', async () => {
        expect(await where({ name: "x' OR '1'='1" })).toEqual([]);
        expect(await where({ name: { _contains: "'; DROP TABLE items; --" } })).toEqual([]);
        expect(await where({ name: { _in: ["Apple', 'banana", 'x) OR (1=1'] } })).toEqual([]);
        expect(await where({ name: { _between: ["A' OR 1=1 --", 'Z'] } })).toEqual([1, 3, 4, 7, 9, 10, 11]);
        await expectHttpError(() => where({ id: '1 OR 1=1' }), 400, /expected an integer/);
        await expectHttpError(() => where({ name: { _eq: { $gt: '' } } }), 400, /expected a string/);
        await expectHttpError(() => where({ id: { _in: [[1, 2]] } }), 400, /expected an integer/);
        await expectHttpError(() => where({ name: { toString: 'x' } }), 400, /unknown operator "toString"/);
        await expectIntact();
      });

      it('through fields and sort', async () => {
        for (const bad of hostile) {
          await expectHttpError(() => items().find({ fields: bad }), 400, /unknown field/);
          await expectHttpError(() => items().find({ fields: ['id', bad] }), 400, /unknown field/);
          await expectHttpError(() => items().find({ sort: bad }), 400, /unknown sort field/);
          await expectHttpError(() => items().find({ sort: [`-${bad}`] }), 400, /unknown sort field/);
        }
        await expectHttpError(() => items().find({ sort: '-id) --' }), 400, /unknown sort field "id\) --"/);
        await expectIntact();
      });

      it('through __proto__ and constructor keys', async () => {
        const filters = ['{"__proto__": {"id": 1}}', '{"constructor": {"prototype": {"id": 1}}}', '{"id": {"__proto__": 1}}'];
        await expectHttpError(() => where(JSON.parse(filters[0]!)), 400, /unknown column "__proto__"/);
        await expectHttpError(() => where(JSON.parse(filters[1]!)), 400, /unknown column "constructor"/);
        await expectHttpError(() => where(JSON.parse(filters[2]!)), 400, /unknown operator "__proto__"/);
        const data = JSON.parse('{"name": "P", "__proto__": {"active": false}}');
        await expectHttpError(() => items().create({ data }), 400, /unknown column "__proto__"/);
        await expectHttpError(() => items().find(JSON.parse('{"__proto__": {"limit": 0}}')), 400, /unknown option "__proto__"/);
        expect(({} as Record<string, unknown>).active).toBeUndefined();
        await expectIntact();
      });

      it('stores hostile strings verbatim', async () => {
        const name = "Robert'); DROP TABLE items;--";
        const created = (await items().create({ data: { name, notes: '\\x00 \\\' " ` $1 ?? ?' } })).data[0]!;
        expect(created.name).toBe(name);
        expect(created.notes).toBe('\\x00 \\\' " ` $1 ?? ?');
        expect(await where({ name })).toEqual([created.id]);
        await items().delete({ id: created.id });
        await expectIntact();
      });
    });
  });
}
