/**
 * Conformance, writes: create (batch too), update and delete with Enfyra's
 * results and statuses, relation writes of every type, cascades per
 * onDelete, database errors as 400s without SQL or values.
 */
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { expectHttpError, ids, request, rows, useDatabase } from './conformance-support.ts';

export function describeWrites(target: TestDatabase): void {
  describe('writes', () => {
    const h = useDatabase(target, 'each');
    const repo = (table: string, call = request()) => h.db().repository(table, call);
    const items = (call = request()) => repo('items', call);
    const one = async (table: string, id: unknown, fields = '*') =>
      rows(await repo(table).find({ fields, filter: { id: { _eq: id } } }))[0];
    const count = async (table: string) => (await repo(table).find({ fields: 'id', limit: 0 })).data.length;

    describe('create', () => {
      it('returns what find returns for the new row; a given id is dropped', async () => {
        const before = Date.now();
        const result = await items().create({ data: { id: 500, name: 'Lime', price: '2.5', category: 'fruit' } });
        expect(Object.keys(result)).toEqual(['data']);
        const row = rows(result)[0]!;
        expect(row).toMatchObject({ id: 13, name: 'Lime', price: 2.5, qty: 0, active: true, status: 'live', ownerId: null, meta: null });
        expect(row.createdAt).toBe(row.updatedAt);
        expect(Date.parse(row.createdAt as string)).toBeGreaterThanOrEqual(before - 2000);
        expect(rows(await items().create({ data: { name: 'Kumquat' }, fields: 'id,name' }))).toEqual([{ id: 14, name: 'Kumquat' }]);
      });

      it('reads the new row through find, so $query.meta applies and a $query page past 1 returns no row (warned)', async () => {
        const withMeta = await items(request({ query: { meta: 'totalCount' } })).create({ data: { name: 'Lime' }, fields: 'id' });
        expect(withMeta).toEqual({ data: [{ id: 13 }], meta: { totalCount: 13 } });
        const call = request({ query: { page: '2' } });
        expect(await items(call).create({ data: { name: 'Melon' }, fields: 'id' })).toEqual({ data: [] });
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.write-on-page']);
        expect(await count('items')).toBe(14);
      });

      it('batch: true inserts every row and answers { accepted, batch, count }', async () => {
        const result = await items().create({ data: [{ name: 'A1' }, { name: 'A2', owner: 2 }], batch: true });
        expect(result).toEqual({ accepted: true, batch: true, count: 2 });
        expect(await count('items')).toBe(14);
        expect(await items().create({ data: { name: 'A3' }, batch: true })).toEqual({ accepted: true, batch: true, count: 1 });
        await expectHttpError(() => items().create({ data: [], batch: true }), 400, 'data must contain at least one record');
      });

      it('sets createdAt/updatedAt itself, generates uuid keys, drops unknown keys with a warning', async () => {
        const call = request();
        const row = rows(await items(call).create({ data: { name: 'T', createdAt: '2000-01-01T00:00:00.000Z', bogus: 1 } }))[0]!;
        expect(row.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.unknown-field-dropped']);
        const token = rows(await repo('tokens').create({ data: { id: 'x', value: 'v' } }))[0]!;
        expect(token.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      });

      it('data that is not an object, a missing required field or a bad value is a 400', async () => {
        await expectHttpError(() => items().create({ data: [{ name: 'X' }] }), 400, 'data is required and must be an object');
        await expectHttpError(() => items().create({}), 400, 'data is required and must be an object');
        await expectHttpError(() => items().create({ data: { price: 1 } }), 400, /missing required field "name"/);
        await expectHttpError(() => items().create({ data: { name: null } }), 400, /items.name cannot be null/);
        await expectHttpError(() => items().create({ data: { name: 'X', status: 'gone' } }), 400, /not one of/);
        await expectHttpError(() => items().create({ data: { name: 'x'.repeat(256) } }), 400, /longer than 255/);
        expect(await count('items')).toBe(12);
      });

      it('a duplicate key or a missing referenced row is a 400 with the database message, never the SQL or the values', async () => {
        const dup = await expectHttpError(() => items().create({ data: { name: 'Apple' } }), 400);
        const fk = await expectHttpError(() => items().create({ data: { name: 'Orphan', owner: 999 } }), 400);
        for (const err of [dup, fk]) {
          expect(err.message).not.toMatch(/insert into|values|Orphan|\?/i);
          expect(err.message.length).toBeGreaterThan(5);
        }
        expect(dup.message).toMatch(/unique|duplicate/i);
        expect(fk.message).toMatch(/foreign key/i);
        expect(await count('items')).toBe(12);
      });
    });

    describe('relation writes', () => {
      it('many-to-one as an id, a numeric string, { id } or null', async () => {
        for (const [value, expected] of [[2, 2], ['3', 3], [{ id: 1 }, 1], [null, null]] as const) {
          const row = rows(await items().create({ data: { name: `m2o-${String(expected)}`, owner: value }, fields: 'id,owner' }))[0]!;
          expect(row.owner).toEqual(expected === null ? null : { id: expected });
        }
        const updated = rows(await items().update({ id: 4, data: { owner: { id: 3 } }, fields: 'owner.name' }))[0]!;
        expect(updated).toEqual({ owner: { name: 'Cy', id: 3 } });
      });

      it('a many-to-one object without an id creates the related row', async () => {
        const row = rows(await items().create({ data: { name: 'Gift', owner: { name: 'Dee' } }, fields: 'id,owner.name' }))[0]!;
        expect(row.owner).toEqual({ name: 'Dee', id: 4 });
      });

      it('many-to-many as ids or { id }s replaces the junction rows; objects without an id are created', async () => {
        const created = rows(await items().create({ data: { name: 'Tagged', tags: [3, { id: 1 }] }, fields: 'id,tags' }))[0]!;
        expect(created.tags).toEqual([{ id: 1 }, { id: 3 }]);
        const updated = rows(await items().update({ id: created.id, data: { tags: [2, { label: 'new' }] }, fields: 'id,tags.label' }))[0]!;
        expect(updated.tags).toEqual([{ label: 'sweet', id: 2 }, { label: 'new', id: 4 }]);
        await items().update({ id: created.id, data: { tags: [] } });
        expect((await one('items', created.id, 'id,tags'))!.tags).toEqual([]);
        expect(rows(await repo('tags').find({ fields: 'id,items', filter: { id: 2 } }))[0]!.items).toEqual([{ id: 1 }, { id: 2 }, { id: 7 }]);
      });

      it('one-to-many: listed children point at the row, new ones are created, unlisted ones are detached', async () => {
        const owner = rows(await repo('owners').create({ data: { name: 'Eve', items: [{ id: 4 }, { name: 'Eve item' }] }, fields: 'id,items.name' }))[0]!;
        expect(owner.items).toEqual([{ name: 'Date Palm', id: 4 }, { name: 'Eve item', id: 13 }]);
        await repo('owners').update({ id: 3, data: { items: [{ id: 9 }, { id: 12 }] } });
        expect((await one('owners', 3, 'id,items'))!.items).toEqual([{ id: 9 }, { id: 12 }]);
        expect((await one('items', 11, 'ownerId'))!.ownerId).toBeNull();
      });

      it('one-to-one from either side, by id or by a new object', async () => {
        const row = rows(await items().create({ data: { name: 'P', profile: { bio: 'fresh' } }, fields: 'id,profile.bio' }))[0]!;
        expect(row.profile).toEqual({ bio: 'fresh', id: 4 });
        await items().update({ id: 2, data: { profile: { id: 3 } } });
        expect((await one('items', 2, 'profile'))!.profile).toEqual({ id: 3 });
        await repo('profiles').update({ id: 1, data: { item: { id: 8 } } });
        expect((await one('profiles', 1, 'id,item'))!.item).toEqual({ id: 8 });
        expect((await one('items', 1, 'profileId'))!.profileId).toBeNull();
      });
    });

    describe('update', () => {
      it('updates by id, refreshes updatedAt, keeps createdAt, strips isUpdatable: false columns and the key', async () => {
        const result = await items().update({ id: '1', data: { id: 99, price: 9.5, code: 'NEW', createdAt: '2000-01-01' } });
        const row = rows(result)[0]!;
        expect(row).toMatchObject({ id: 1, name: 'Apple', price: 9.5, code: 'C01', createdAt: '2024-01-01T00:00:00.000Z' });
        expect(row.updatedAt).not.toBe('2024-01-01T00:00:00.000Z');
        expect(rows(await items().update({ id: 2, data: { category: null }, fields: ['id', 'category'] }))).toEqual([{ id: 2, category: null }]);
      });

      it('a missing id is a 400 "id X is not exists!"; bad data is a 400', async () => {
        await expectHttpError(() => items().update({ id: 999, data: { qty: 1 } }), 400, 'id 999 is not exists!');
        await expectHttpError(() => items().update({ data: { qty: 1 } }), 400, 'id undefined is not exists!');
        await expectHttpError(() => items().update({ id: 1 }), 400, "Cannot set properties of undefined (setting 'id')");
        await expectHttpError(() => items().update({ id: 1, data: { qty: 'many' } }), 400, /items.qty/);
        await expectHttpError(() => items().update({ id: 1, data: { name: 'banana' } }), 400, /unique|duplicate/i);
        expect((await one('items', 1, 'name,qty'))).toEqual({ name: 'Apple', qty: 10 });
      });
    });

    describe('delete', () => {
      it('answers Enfyra\'s message; a missing id is a 400, also the second time', async () => {
        expect(await items().delete({ id: 12 })).toEqual({ message: 'Delete successfully!', statusCode: 200 });
        await expectHttpError(() => items().delete({ id: 12 }), 400, 'id 12 is not exists!');
        await expectHttpError(() => items().delete({ id: 999 }), 400, 'id 999 is not exists!');
        await expectHttpError(() => items().delete(), 400, "Cannot destructure property 'id' of 'opt' as it is undefined.");
        expect(await count('items')).toBe(11);
      });

      it('follows onDelete: RESTRICT is a 400, CASCADE removes dependants, SET NULL clears references; junction rows go too', async () => {
        const restricted = await expectHttpError(() => repo('owners').delete({ id: 1 }), 400, /foreign key/i);
        expect(restricted.message).not.toMatch(/delete from|\?/i);
        await items().delete({ id: 1 });
        expect(ids(await repo('reviews').find({ fields: 'id' }))).toEqual([3, 4]);
        expect(rows(await repo('tags').find({ fields: 'id,items', filter: { id: 1 } }))[0]!.items).toEqual([{ id: 3 }]);
        await items().delete({ id: 2 });
        await repo('owners').delete({ id: 2 }).catch(() => {});
        await items().update({ id: 3, data: { owner: null } });
        await items().update({ id: 5, data: { owner: null } });
        await repo('owners').delete({ id: 2 });
        expect((await one('reviews', 4, 'authorId'))!.authorId).toBeNull();
        await repo('profiles').delete({ id: 2 });
        expect((await one('items', 7, 'profileId'))!.profileId).toBeNull();
      });
    });
  });
}
