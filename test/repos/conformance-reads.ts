/**
 * Conformance, reads: fields and relations, deep, sort, limit and page,
 * meta, aggregate, exists, and find() driven by the request's `$query`.
 */
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { ALL_IDS, expectHttpError, ids, request, rows, useDatabase } from './conformance-support.ts';

const STORED = [
  'id', 'name', 'category', 'price', 'score', 'qty', 'active', 'releasedAt', 'meta', 'notes', 'status', 'secret', 'internal', 'code',
  'ownerId', 'profileId', 'createdAt', 'updatedAt',
];
const STAR = [
  'id', 'name', 'category', 'price', 'score', 'qty', 'active', 'releasedAt', 'meta', 'notes', 'status', 'secret', 'internal', 'code',
  'createdAt', 'updatedAt', 'owner', 'profile', 'tags', 'reviews',
];

export function describeReads(target: TestDatabase): void {
  describe('reads', () => {
    const h = useDatabase(target, 'all');
    const items = (call = request()) => h.db().repository('items', call);

    describe('fields and relations', () => {
      it('find() without fields reads the stored columns (foreign keys included, relations not loaded), 10 rows, no meta', async () => {
        const result = await items().find();
        expect(ids(result)).toEqual(ALL_IDS.slice(0, 10));
        expect('meta' in result).toBe(false);
        expect(Object.keys(rows(result)[0]!)).toEqual(STORED);
        expect(rows(result)[0]).toMatchObject({ id: 1, ownerId: 1, profileId: 1, createdAt: '2024-01-01T00:00:00.000Z' });
        const deepIgnored = await items().find({ deep: { owner: { fields: 'name' } }, limit: 1 });
        expect(Object.keys(rows(deepIgnored)[0]!)).toEqual(STORED);
      });

      it('* reads the columns without foreign keys and every relation as ids', async () => {
        const [apple, banana] = rows(await items().find({ fields: '*', limit: 2 }));
        expect(Object.keys(apple!)).toEqual(STAR);
        expect(apple).toMatchObject({ owner: { id: 1 }, profile: { id: 1 }, tags: [{ id: 1 }, { id: 2 }], reviews: [{ id: 1 }, { id: 2 }] });
        expect(banana).toMatchObject({ profile: null, tags: [{ id: 2 }], reviews: [{ id: 3 }] });
      });

      it('a relation named in fields is its id; a null reference is null; to-many relations are lists', async () => {
        const result = await items().find({ fields: 'id,name,owner,tags', filter: { id: { _in: [1, 4] } } });
        expect(rows(result)).toEqual([
          { id: 1, name: 'Apple', owner: { id: 1 }, tags: [{ id: 1 }, { id: 2 }] },
          { id: 4, name: 'Date Palm', owner: null, tags: [] },
        ]);
      });

      it('rel.col paths read columns of many-to-one, many-to-many, one-to-many and one-to-one relations', async () => {
        const result = await items().find({ fields: ['id', 'owner.name', 'tags.label', 'reviews.stars', 'profile.bio'], filter: { id: { _in: [1, 2] } } });
        expect(rows(result)).toEqual([
          {
            id: 1,
            owner: { name: 'Ann', id: 1 },
            profile: { bio: 'An apple a day', id: 1 },
            tags: [{ label: 'red', id: 1 }, { label: 'sweet', id: 2 }],
            reviews: [{ stars: 5, id: 1 }, { stars: 4, id: 2 }],
          },
          { id: 2, owner: { name: 'Ann', id: 1 }, profile: null, tags: [{ label: 'sweet', id: 2 }], reviews: [{ stars: 3, id: 3 }] },
        ]);
        const profiles = await h.db().repository('profiles').find({ fields: 'id,item.name', sort: 'id' });
        expect(rows(profiles)).toEqual([
          { id: 1, item: { name: 'Apple', id: 1 } },
          { id: 2, item: { name: 'Fig', id: 7 } },
          { id: 3, item: null },
        ]);
      });

      it('multi-hop paths and rel.* read relations of relations', async () => {
        const reviews = await h.db().repository('reviews').find({ fields: 'id,item.name,item.owner.name', limit: 2 });
        expect(rows(reviews)).toEqual([
          { id: 1, item: { name: 'Apple', id: 1, owner: { name: 'Ann', id: 1 } } },
          { id: 2, item: { name: 'Apple', id: 1, owner: { name: 'Ann', id: 1 } } },
        ]);
        const owner = rows(await items().find({ fields: 'id,owner.*', limit: 1 }))[0]!;
        expect(owner).toEqual({
          id: 1,
          owner: {
            id: 1, name: 'Ann', email: 'ann@example.com',
            createdAt: expect.any(String), updatedAt: expect.any(String),
            items: [{ id: 1 }, { id: 2 }, { id: 7 }], reviews: [{ id: 3 }],
          },
        });
      });

      it('-field excludes (nested too); an unknown or -* exclusion is a 400', async () => {
        const [apple] = rows(await items().find({ fields: '-meta,-notes,-secret,-internal,-owner.email,-reviews', limit: 1 }));
        expect(Object.keys(apple!)).not.toContain('meta');
        expect(Object.keys(apple!)).not.toContain('reviews');
        expect(apple).toMatchObject({ id: 1, owner: { id: 1, name: 'Ann' }, tags: [{ id: 1 }, { id: 2 }] });
        expect(apple).not.toHaveProperty('ownerId'); // a loaded relation replaces its foreign-key column
        expect(apple!.owner).not.toHaveProperty('email');
        await expectHttpError(() => items().find({ fields: '-nope' }), 400, "Unknown excluded field 'nope' on 'items'.");
        await expectHttpError(() => items().find({ fields: '-*' }), 400, "Invalid excluded field '-*' on 'items'. Exclude explicit fields instead.");
        await expectHttpError(() => items().find({ fields: '-nope.x' }), 400, "Unknown excluded relation 'nope' on 'items'.");
      });

      it('an unknown field is left out with a warning; to-many relations need the primary key among the fields', async () => {
        const call = request();
        expect(rows(await items(call).find({ fields: 'id,nope', limit: 1 }))).toEqual([{ id: 1 }]);
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.unknown-field']);
        // Enfyra loads one-to-many and many-to-many children by the parent ids it selected: none here (warned).
        const noKey = request();
        expect(rows(await items(noKey).find({ fields: 'name,reviews.stars', limit: 1 }))).toEqual([{ name: 'Apple' }]);
        expect(noKey.warnings.map((w) => w.code)).toEqual(['repos.relation-needs-key']);
      });
    });

    describe('deep', () => {
      it('gives each relation its own fields, filter, sort, limit and page', async () => {
        const result = await items().find({
          fields: 'id,reviews,tags',
          filter: { id: { _in: [1, 7] } },
          deep: {
            reviews: { fields: ['stars'], filter: { stars: { _gte: 3 } }, sort: '-stars' },
            tags: { fields: 'label', sort: '-label', limit: 1, page: 2 },
          },
        });
        expect(rows(result)).toEqual([
          { id: 1, reviews: [{ stars: 5, id: 1 }, { stars: 4, id: 2 }], tags: [{ label: 'red', id: 1 }] },
          { id: 7, reviews: [], tags: [{ label: 'big', id: 3 }] },
        ]);
        const limited = await items().find({ fields: 'id,reviews', filter: { id: 1 }, deep: { reviews: { fields: 'stars', sort: 'stars', limit: 1 } } });
        expect(rows(limited)).toEqual([{ id: 1, reviews: [{ stars: 4, id: 2 }] }]);
      });

      it('a deep filter on a many-to-one leaves non-matching relations null', async () => {
        const result = await items().find({ fields: 'id,owner', filter: { id: { _in: [1, 3] } }, deep: { owner: { fields: 'name', filter: { name: 'Ann' } } } });
        expect(rows(result)).toEqual([
          { id: 1, owner: { name: 'Ann', id: 1 } },
          { id: 3, owner: null },
        ]);
      });

      it('nests, and skips relation conditions inside deep filters with a warning', async () => {
        const call = request();
        const result = await h.db().repository('owners', call).find({
          fields: 'id,items',
          filter: { id: 1 },
          deep: { items: { fields: 'name,tags', filter: { tags: { label: 'red' } }, deep: { tags: { fields: 'label' } } } },
        });
        expect(rows(result)).toEqual([
          {
            id: 1,
            items: [
              { name: 'Apple', id: 1, tags: [{ label: 'red', id: 1 }, { label: 'sweet', id: 2 }] },
              { name: 'banana', id: 2, tags: [{ label: 'sweet', id: 2 }] },
              { name: 'Fig', id: 7, tags: [{ label: 'sweet', id: 2 }, { label: 'big', id: 3 }] },
            ],
          },
        ]);
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.deep-relation-filter-ignored']);
      });

      it('is validated as Enfyra validates it', async () => {
        await expectHttpError(() => items().find({ fields: '*', deep: { nope: {} } }), 400, "Unknown relation 'nope' on 'items' in deep projection.");
        await expectHttpError(() => items().find({ fields: '*', deep: { owner: { limit: 1 } } }), 400, /'limit' not supported on many-to-one\/one-to-one relations \(relation 'owner' on 'items'\)/);
        await expectHttpError(() => items().find({ fields: '*', deep: { reviews: { page: 2 } } }), 400, /'page' requires 'limit'/);
        await expectHttpError(() => items().find({ fields: '*', deep: { reviews: { where: {} } } }), 400, /Unknown deep option key 'where' for relation 'reviews'/);
        await expectHttpError(() => items().find({ fields: '*', deep: { reviews: { sort: 'nope' } } }), 400, /Sort path 'nope' references unknown field 'nope' on 'reviews'/);
        let deep: Record<string, unknown> = {};
        for (let i = 0; i < 8; i++) deep = { owner: { deep: { items: { deep } } } };
        await expectHttpError(() => items().find({ fields: '*', deep }), 400, 'deep option exceeds maximum query depth of 7');
      });
    });

    describe('sort, limit, page', () => {
      it('sorts by columns and by paths through many-to-one relations; the primary key by default', async () => {
        expect(ids(await items().find({ fields: 'id', sort: 'name', limit: 0 }))).toEqual([1, 3, 4, 7, 9, 10, 11, 2, 6, 8, 12, 5]);
        expect(ids(await items().find({ fields: 'id', sort: 'category,-price', limit: 0 }))).toEqual([11, 10, 3, 7, 8, 1, 12, 2, 9, 5, 4, 6]);
        expect(ids(await items().find({ fields: 'id', sort: ['-owner.name', 'id'], limit: 0 }))).toEqual([9, 11, 3, 5, 1, 2, 7, 4, 6, 8, 10, 12]);
        const reviews = await h.db().repository('reviews').find({ fields: 'id', sort: '-item.owner.name,-id' });
        expect(ids(reviews)).toEqual([4, 3, 2, 1]);
        expect(ids(await items().find({ fields: 'id', limit: 3 }))).toEqual([1, 2, 3]);
      });

      it('ignores sorts through to-many relations (warned); an unknown sort field is a 400', async () => {
        const call = request();
        expect(ids(await items(call).find({ fields: 'id', sort: '-reviews.stars', limit: 3 }))).toEqual([1, 2, 3]);
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.sort-ignored']);
        await expectHttpError(() => items().find({ sort: 'nope' }), 400, /unknown sort field "nope"/);
        await expectHttpError(() => items().find({ sort: 'nope.name' }), 400, /unknown sort field "nope.name"/);
      });

      it('limit: default 10; 0 or negative is every row; a numeric string works; anything else reads every row', async () => {
        expect(ids(await items().find({ fields: 'id' }))).toHaveLength(10);
        expect(ids(await items().find({ fields: 'id', limit: 0 }))).toEqual(ALL_IDS);
        expect(ids(await items().find({ fields: 'id', limit: -1 }))).toEqual(ALL_IDS);
        expect(ids(await items().find({ fields: 'id', limit: '3' }))).toEqual([1, 2, 3]);
        expect(ids(await items().find({ fields: 'id', limit: 'ten' }))).toEqual(ALL_IDS);
        expect(ids(await items().find({ fields: 'id', limit: undefined }))).toEqual(ALL_IDS);
      });

      it('the page comes from $query.page only; find({ page }) is ignored with a warning', async () => {
        const call = request();
        expect(ids(await items(call).find({ fields: 'id', limit: 5, page: 2 }))).toEqual([1, 2, 3, 4, 5]);
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.page-ignored']);
        expect(ids(await items(request({ query: { page: '2' } })).find({ fields: 'id', limit: 5 }))).toEqual([6, 7, 8, 9, 10]);
        expect(ids(await items(request({ query: { page: 3 } })).find({ fields: 'id', limit: 5 }))).toEqual([11, 12]);
      });
    });

    describe('meta and aggregate', () => {
      it('meta is absent unless asked: totalCount, filterCount, both or *; unknown names give an empty meta', async () => {
        const filter = { category: 'fruit' };
        expect('meta' in (await items().find({ filter }))).toBe(false);
        expect((await items().find({ filter, meta: 'totalCount' })).meta).toEqual({ totalCount: 12 });
        expect((await items().find({ filter, meta: 'filterCount' })).meta).toEqual({ filterCount: 6 });
        expect((await items().find({ filter, meta: ['totalCount', 'filterCount'] })).meta).toEqual({ totalCount: 12, filterCount: 6 });
        expect((await items().find({ filter, meta: '*', limit: 1 })).meta).toEqual({ totalCount: 12, filterCount: 6 });
        expect((await items().find({ filter, meta: 'sum' })).meta).toEqual({});
      });

      it('counts read 0 when the page is empty, as in Enfyra', async () => {
        const result = await items(request({ query: { page: 9 } })).find({ filter: { category: 'fruit' }, meta: '*', limit: 5 });
        expect(result).toEqual({ data: [], meta: { totalCount: 0, filterCount: 0 } });
      });

      it('aggregates columns over the filtered rows and counts related records', async () => {
        const result = await items().find({
          fields: 'id',
          filter: { category: 'fruit' },
          limit: 1,
          aggregate: {
            price: { sum: true, min: true, max: true, avg: { _gt: 1 } },
            id: { count: true },
            reviews: { countRecords: { stars: { _gte: 4 } } },
            tags: { countRecords: true },
            owner: { countRecords: true },
          },
        });
        expect(result.meta).toEqual({
          aggregate: {
            price: { sum: expect.closeTo(14.95, 6), min: 0.25, max: 5, avg: expect.closeTo((1.5 + 5 + 4.4 + 3) / 4, 6) },
            id: { count: 6 },
            reviews: { countRecords: 2 },
            tags: { countRecords: 3 },
            owner: { countRecords: 2 },
          },
        });
        const plain = await items().find({ fields: 'id', limit: 1, aggregate: { qty: { max: true } } });
        expect(plain.meta).toEqual({ aggregate: { qty: { max: 100 } } });
      });

      it('rejects aggregates Enfyra rejects', async () => {
        await expectHttpError(() => items().find({ aggregate: { nope: { sum: true } } }), 400, 'Unknown aggregate field or relation "nope" on table "items"');
        await expectHttpError(() => items().find({ aggregate: { price: { median: true } } }), 400, 'Unsupported aggregate operation "median"');
        await expectHttpError(() => items().find({ aggregate: { name: { sum: true } } }), 400, 'aggregate.sum requires a numeric field, but "name" is "varchar"');
        await expectHttpError(() => items().find({ aggregate: { reviews: { sum: true } } }), 400, /use countRecords/);
        await expectHttpError(() => items().find({ aggregate: { price: { countRecords: true } } }), 400, /requires a relation/);
        await expectHttpError(() => items().find({ aggregate: { price: { sum: { name: 'x' } } } }), 400, /only supports field operators/);
      });
    });

    describe('exists', () => {
      it('is true when a row matches, takes the filter or { filter }, and rejects an empty filter', async () => {
        expect(await items().exists({ name: 'Fig' })).toBe(true);
        expect(await items().exists({ filter: { name: 'Nope' } })).toBe(false);
        expect(await items().exists({ owner: { name: 'Cy' } })).toBe(true);
        await expectHttpError(() => items().exists({}), 400, 'exists requires a non-empty filter');
        await expectHttpError(() => items().exists(), 400, 'exists requires a non-empty filter');
        await expectHttpError(() => items().exists({ filter: {} }), 400, 'exists requires a non-empty filter');
      });
    });

    describe('find() takes what it is not given from the request ($query)', () => {
      const query = { filter: { category: 'fruit' }, fields: 'id,name,owner.name', sort: '-price', limit: '2', meta: 'filterCount', page: '1' };

      it('filter, fields, sort, limit and meta come from $query when find() has none', async () => {
        const result = await items(request({ query })).find();
        expect(result).toEqual({
          data: [
            { id: 3, name: 'Cherry', owner: { name: 'Ben', id: 2 } },
            { id: 7, name: 'Fig', owner: { name: 'Ann', id: 1 } },
          ],
          meta: { filterCount: 6 },
        });
      });

      it('options given win, one by one; limit given as undefined means every row', async () => {
        const call = request({ query });
        expect(rows(await items(call).find({ fields: 'id', filter: { active: false } }))).toEqual([{ id: 9 }, { id: 3 }]);
        expect(ids(await items(call).find({ fields: 'id', sort: 'id', limit: undefined }))).toEqual([1, 2, 3, 7, 8, 12]);
        const deep = request({ query: { fields: 'id,reviews', deep: { reviews: { fields: 'stars' } }, limit: 1 } });
        expect(rows(await items(deep).find())).toEqual([{ id: 1, reviews: [{ stars: 5, id: 1 }, { stars: 4, id: 2 }] }]);
        expect(rows(await items(deep).find({ deep: {} }))).toEqual([{ id: 1, reviews: [{ id: 1 }, { id: 2 }] }]);
        const aggregate = request({ query: { aggregate: { qty: { sum: true } } } });
        expect((await items(aggregate).find({ fields: 'id', limit: 1 })).meta).toEqual({ aggregate: { qty: { sum: 256 } } });
      });

      it('where is not an option: ignored with a warning naming the fix, so the request filter or every row is read', async () => {
        const call = request();
        expect(ids(await items(call).find({ fields: 'id', where: { id: { _eq: 2 } } }))).toEqual(ALL_IDS.slice(0, 10));
        expect(call.warnings).toEqual([{ code: 'repos.where-ignored', message: expect.stringMatching(/filter/) }]);
        const withQuery = request({ query: { filter: { id: 5 } } });
        expect(ids(await items(withQuery).find({ fields: 'id', where: { id: 2 } }))).toEqual([5]);
      });

      it('unknown options are ignored with a warning', async () => {
        const call = request();
        expect(ids(await items(call).find({ fields: 'id', limit: 1, offset: 5 }))).toEqual([1]);
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.unknown-option']);
        await expectHttpError(() => items().find('id = 1'), 400, /options must be an object/);
      });
    });
  });
}
