/**
 * Conformance, filters: operators on columns, relation filters through
 * every relation type, Enfyra's quirks (each warned), and 400s.
 */
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { ALL_IDS, expectHttpError, ids, request, useDatabase } from './conformance-support.ts';

export function describeFilters(target: TestDatabase): void {
  describe('filters', () => {
    const h = useDatabase(target, 'all');
    const where = async (filter: unknown, table = 'items', call = request()) =>
      ids(await h.db().repository(table, call).find({ fields: 'id', filter, limit: 0 }));
    const warnings = async (filter: unknown) => {
      const call = request();
      const found = await where(filter, 'items', call);
      return { found, codes: call.warnings.map((w) => w.code) };
    };

    describe('operators', () => {
      it('_eq, the shorthand, and values from URLs as strings', async () => {
        expect(await where({ name: { _eq: 'Apple' } })).toEqual([1]);
        expect(await where({ name: 'Apple' })).toEqual([1]);
        expect(await where({ name: { _eq: 'apple' } })).toEqual([]);
        expect(await where({ id: '1' })).toEqual([1]);
        expect(await where({ active: false })).toEqual([3, 6, 9, 12]);
        expect(await where({ active: 'false' })).toEqual([3, 6, 9, 12]);
        expect(await where({ price: 0.25 })).toEqual([2]);
        expect(await where({ releasedAt: '2024-02-15T14:30:00+02:00' })).toEqual([2]);
        expect(await where({ status: 'retired' })).toEqual([3, 9]);
      });

      it('{ f: null } is IS NULL; _eq null matches nothing, as in Enfyra (warned)', async () => {
        expect(await where({ category: null })).toEqual([10, 11]);
        expect(await warnings({ category: { _eq: null } })).toEqual({ found: [], codes: ['repos.eq-null'] });
        expect(await warnings({ category: { _neq: null } })).toEqual({ found: [], codes: ['repos.eq-null'] });
      });

      it('_neq excludes NULLs, as SQL does', async () => {
        expect(await where({ category: { _neq: 'fruit' } })).toEqual([4, 5, 6, 9]);
      });

      it('_gt _gte _lt _lte on numbers, date-times and strings; several operators AND', async () => {
        expect(await where({ price: { _gt: 5 } })).toEqual([4, 9, 11]);
        expect(await where({ price: { _gte: '5' } })).toEqual([3, 4, 9, 11]);
        expect(await where({ qty: { _lt: 3 } })).toEqual([2, 7, 11]);
        expect(await where({ qty: { _lte: 3 } })).toEqual([2, 4, 7, 11]);
        expect(await where({ releasedAt: { _gt: '2024-05-01' } })).toEqual([8, 10, 11, 12]);
        expect(await where({ releasedAt: { _lte: '2024-01-01' } })).toEqual([1, 3]);
        expect(await where({ name: { _gt: 'a' } })).toEqual([2, 5, 6, 8, 12]);
        expect(await where({ price: { _gte: 1, _lt: 3 } })).toEqual([1, 6, 10]);
      });

      it('_between takes an array of two; anything else adds no condition (warned)', async () => {
        expect(await where({ price: { _between: [1, 3] } })).toEqual([1, 6, 8, 10]);
        expect(await where({ releasedAt: { _between: ['2024-01-01', '2024-02-15T12:30:00Z'] } })).toEqual([1, 2, 6]);
        expect(await warnings({ price: { _between: '1,3' } })).toEqual({ found: ALL_IDS, codes: ['repos.between-ignored'] });
        expect(await warnings({ price: { _between: [1] } })).toEqual({ found: ALL_IDS, codes: ['repos.between-ignored'] });
      });

      it('_in, _not_in and _nin take arrays or "a,b"; [] matches nothing / everything', async () => {
        expect(await where({ id: { _in: [1, 3, '5'] } })).toEqual([1, 3, 5]);
        expect(await where({ id: { _in: '1,2' } })).toEqual([1, 2]);
        expect(await where({ id: { _in: 4 } })).toEqual([4]);
        expect(await where({ category: { _in: ['melon', 'plant'] } })).toEqual([4, 9]);
        expect(await where({ id: { _in: [] } })).toEqual([]);
        expect(await where({ id: { _not_in: [] } })).toEqual(ALL_IDS);
        expect(await where({ id: { _not_in: [1, 2] } })).toEqual(ALL_IDS.slice(2));
        expect(await where({ id: { _nin: [1, 2] } })).toEqual(ALL_IDS.slice(2));
        expect(await where({ category: { _nin: ['fruit'] } })).toEqual([4, 5, 6, 9]);
      });

      it('_contains, _starts_with, _ends_with ignore case and accents', async () => {
        expect(await where({ name: { _contains: 'an' } })).toEqual([2, 6]);
        expect(await where({ name: { _contains: 'APP' } })).toEqual([1]);
        expect(await where({ name: { _contains: 'éCL' } })).toEqual([5]);
        expect(await where({ name: { _contains: 'ecl' } })).toEqual([5]);
        expect(await where({ notes: { _contains: 'BRULEE' } })).toEqual([5]);
        expect(await where({ name: { _starts_with: 'G' } })).toEqual([8]);
        expect(await where({ name: { _starts_with: 'date p' } })).toEqual([4]);
        expect(await where({ name: { _ends_with: 'RY' } })).toEqual([3]);
        await expectHttpError(() => where({ qty: { _contains: '1' } }), 400, /only for text columns/);
      });

      it('% and _ in the value are LIKE wildcards, as in Enfyra (warned)', async () => {
        expect(await warnings({ notes: { _contains: '%' } })).toEqual({ found: [2, 5, 7, 10, 12], codes: ['repos.like-wildcard'] });
        expect(await warnings({ notes: { _contains: '0% off_s' } })).toEqual({ found: [7], codes: ['repos.like-wildcard'] });
        expect(await where({ notes: { _contains: '!' } })).toEqual([12]);
      });

      it('_is_null and _is_not_null: only true counts as true (other values warned)', async () => {
        expect(await where({ category: { _is_null: true } })).toEqual([10, 11]);
        expect(await where({ category: { _is_null: false } })).toHaveLength(10);
        expect(await where({ score: { _is_not_null: false } })).toEqual([3, 8]);
        expect(await warnings({ category: { _is_null: 'true' } })).toEqual({ found: [1, 2, 3, 4, 5, 6, 7, 8, 9, 12], codes: ['repos.is-null-not-boolean'] });
      });

      it('_and, _or, _not nest; empty or malformed groups add no condition', async () => {
        expect(await where({ _or: [{ price: { _gt: 9 } }, { _and: [{ category: 'fruit' }, { active: false }] }] })).toEqual([3, 4, 11, 12]);
        expect(await where({ _not: { category: { _eq: 'fruit' } } })).toEqual([4, 5, 6, 9]);
        expect(await where({ _not: { _or: [{ id: 1 }, { id: 2 }] }, qty: { _gt: 10 } })).toEqual([3, 6, 8, 10, 12]);
        expect(await where({ _and: [] })).toEqual(ALL_IDS);
        expect(await where({ _or: [] })).toEqual(ALL_IDS);
        expect(await where({ _not: {} })).toEqual(ALL_IDS);
        expect(await where({ _or: { id: 1 } })).toEqual(ALL_IDS);
        expect(await where({})).toEqual(ALL_IDS);
      });

      it('an unknown field is skipped with a warning; an unknown operator is a 400', async () => {
        const skipped = await warnings({ nope: 1, id: { _lt: 3 } });
        expect(skipped).toEqual({ found: [1, 2], codes: ['repos.unknown-filter-field'] });
        await expectHttpError(
          () => where({ name: { _like: 'x' } }),
          400,
          /^Unsupported filter operator "_like" on field "name" \(table "items"\)\. Supported operators: _and, _or, _not, _eq/,
        );
        await expectHttpError(() => where({ _eq: 1 }), 400, /Unsupported filter operator "_eq" on field "_eq"/);
        await expectHttpError(() => where({ owner: { _like: 'x' } }), 400, /Unsupported filter operator "_like" on field "owner"/);
        // Enfyra 2.2's kernel has no relation aggregates in filters.
        await expectHttpError(() => where({ reviews: { _count: { _gt: 1 } } }), 400, /Unsupported filter operator "_count" on field "reviews"/);
      });

      it('rejects values that do not fit the column', async () => {
        await expectHttpError(() => where({ id: 'abc' }), 400, /invalid value for items.id: expected an integer/);
        await expectHttpError(() => where({ releasedAt: 'yesterday' }), 400, /ISO 8601/);
        await expectHttpError(() => where({ status: 'gone' }), 400, /"gone" is not one of "draft", "live", "retired"/);
        await expectHttpError(() => where({ price: [1, 2] }), 400, /_in/);
        await expectHttpError(() => where({ meta: { _eq: { k: 'v' } } }), 400, /simple-json columns support only/);
        await expectHttpError(() => where({ name: { x: 1 } }), 400, /without an operator/);
      });

      it('a filter that is not an object reads every row (warned)', async () => {
        expect(await warnings('id = 1')).toEqual({ found: ALL_IDS, codes: ['repos.filter-not-object'] });
      });
    });

    describe('relation filters', () => {
      it('through many-to-one: a nested filter, { id: ... }, or { _eq: id } with the id implied', async () => {
        expect(await where({ owner: { name: { _eq: 'Ann' } } })).toEqual([1, 2, 7]);
        expect(await where({ owner: { name: 'Cy' } })).toEqual([9, 11]);
        expect(await where({ owner: { id: { _eq: 2 } } })).toEqual([3, 5]);
        expect(await where({ owner: { _eq: 2 } })).toEqual([3, 5]);
        expect(await where({ owner: { _eq: '2' } })).toEqual([3, 5]);
        expect(await where({ owner: { _in: [2, 3] } })).toEqual([3, 5, 9, 11]);
        expect(await where({ owner: { _neq: 1 } })).toEqual([3, 5, 9, 11]);
        expect(await where({ owner: { email: { _is_null: true } } })).toEqual([9, 11]);
      });

      it('{ rel: { _is_null } } on a many-to-one reads the reference', async () => {
        expect(await where({ owner: { _is_null: true } })).toEqual([4, 6, 8, 10, 12]);
        expect(await where({ owner: { _is_null: false } })).toEqual([1, 2, 3, 5, 7, 9, 11]);
        expect(await where({ owner: { _is_not_null: true } })).toEqual([1, 2, 3, 5, 7, 9, 11]);
      });

      it('on a many-to-one only the first id operator applies, as in Enfyra (warned)', async () => {
        const call = request();
        expect(await where({ owner: { id: { _gte: 2, _lte: 2 } } }, 'items', call)).toEqual([3, 5, 9, 11]);
        expect(call.warnings.map((w) => w.code)).toEqual(['repos.relation-id-operators']);
      });

      it('through one-to-many and many-to-many: some related row matches', async () => {
        expect(await where({ reviews: { stars: { _gte: 4 } } })).toEqual([1]);
        expect(await where({ reviews: { comment: { _is_null: false } } })).toEqual([1, 2, 7]);
        expect(await where({ tags: { label: 'sweet' } })).toEqual([1, 2, 7]);
        expect(await where({ tags: { _in: [1, 3] } })).toEqual([1, 3, 7, 9]);
        expect(await where({ tags: { _is_null: false } })).toEqual([1, 2, 3, 7, 9]);
        expect(await where({ reviews: {} })).toEqual([1, 2, 7]);
        expect(await where({ items: { name: 'Fig' } }, 'tags')).toEqual([2, 3]);
      });

      it('{ rel: { _is_null: true } } on a to-many relation matches nothing, as in Enfyra (warned)', async () => {
        expect(await warnings({ tags: { _is_null: true } })).toEqual({ found: [], codes: ['repos.relation-is-null'] });
      });

      it('through one-to-one, both sides, and several hops', async () => {
        expect(await where({ profile: { bio: { _contains: 'apple' } } })).toEqual([1]);
        expect(await where({ item: { name: 'Fig' } }, 'profiles')).toEqual([2]);
        expect(await where({ item: { _is_null: false } }, 'profiles')).toEqual([1, 2]);
        expect(await where({ item: { owner: { name: 'Ann' } } }, 'reviews')).toEqual([1, 2, 3, 4]);
        expect(await where({ item: { tags: { label: 'big' } } }, 'reviews')).toEqual([4]);
        expect(await where({ items: { reviews: { author: { name: 'Ben' } } } }, 'owners')).toEqual([1]);
      });

      it('combine with _and, _or and _not', async () => {
        expect(await where({ _or: [{ owner: { name: 'Cy' } }, { tags: { label: 'red' } }] })).toEqual([1, 3, 9, 11]);
        expect(await where({ _not: { owner: { name: 'Ann' } } })).toEqual([3, 4, 5, 6, 8, 9, 10, 11, 12]);
        expect(await where({ _and: [{ owner: { _eq: 1 } }, { reviews: { stars: 3 } }] })).toEqual([2]);
      });

      it('a relation given a plain value is skipped (warned); a list or mixed operators is a 400', async () => {
        expect(await warnings({ owner: 2 })).toEqual({ found: ALL_IDS, codes: ['repos.relation-filter-scalar'] });
        await expectHttpError(() => where({ owner: [1, 2] }), 400, /is a list/);
        await expectHttpError(() => where({ owner: { _eq: 1, name: 'Ann' } }), 400, /mixes operators with fields/);
      });
    });
  });
}
