/**
 * Conformance, permissions: `$repos.main` / `$repos.secure.<table>` enforce
 * field permissions for a user who is not root admin, as Enfyra's
 * DynamicRepository does; `$repos.<table>` stays trusted.
 */
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { expectHttpError, request, rows, USERS, useDatabase } from './conformance-support.ts';

export function describeAccess(target: TestDatabase): void {
  describe('field permissions', () => {
    const h = useDatabase(target, 'each');
    const as = (user: unknown, query: Record<string, unknown> = {}) => h.db().repository('items', request({ user, query, enforce: true }));

    it('the trusted repository reads everything; through main/secure a root admin too sees unpublished columns only where a rule allows', async () => {
      const [trusted] = rows(await h.db().repository('items', request({ user: USERS.viewer })).find({ fields: '*', limit: 1 }));
      expect(trusted).toMatchObject({ secret: 's1', internal: 'i1', owner: { id: 1 } });
      // Enfyra's read stripping (stripDeniedFields) does not exempt a root admin; its filter and write checks do.
      const [root] = rows(await as(USERS.root).find({ fields: '*', limit: 1 }));
      expect(root).toMatchObject({ id: 1, owner: { id: 1 } });
      expect(root).not.toHaveProperty('secret');
      expect(rows(await as(USERS.root, { filter: { secret: 's2' } }).find({ fields: 'id' }))).toEqual([{ id: 2 }]);
    });

    it('unpublished columns are left out unless a rule allows them (for a role, or under a condition per row)', async () => {
      const viewer = rows(await as(USERS.viewer).find({ fields: 'id,qty,secret,internal', limit: 0 }));
      expect(viewer.find((r) => r.id === 1)).toEqual({ id: 1, qty: 10 });
      expect(viewer.find((r) => r.id === 3)).toEqual({ id: 3, qty: 100, internal: 'i3' });
      const editor = rows(await as(USERS.editor).find({ fields: 'id,secret,internal', limit: 1 }));
      expect(editor).toEqual([{ id: 1, secret: 's1' }]);
      expect(rows(await as(null).find({ fields: 'id,secret', limit: 1 }))).toEqual([{ id: 1 }]);
    });

    it('with no fields, every column and relation the user may read (a loaded relation replaces its foreign-key column)', async () => {
      const [row] = rows(await as(USERS.editor).find({ limit: 1 }));
      expect(Object.keys(row!)).toEqual([
        'id', 'name', 'category', 'price', 'score', 'qty', 'active', 'releasedAt', 'meta', 'notes', 'status', 'secret', 'code',
        'createdAt', 'updatedAt', 'owner', 'profile', 'tags', 'reviews',
      ]);
      expect(row).toMatchObject({ owner: { id: 1 }, tags: [{ id: 1 }, { id: 2 }] });
    });

    it('a rule for listed users hides a relation from them', async () => {
      const [row] = rows(await as(USERS.viewer).find({ fields: 'id,owner', limit: 1 }));
      expect(row).toEqual({ id: 1 });
    });

    it('filtering or sorting the request by an unpublished field is a 403 naming it', async () => {
      await expectHttpError(
        () => as(USERS.viewer, { filter: { secret: 's1' } }).find({ fields: 'id' }),
        403,
        "You do not have permission to filter column 'secret' on table 'items'.",
      );
      await expectHttpError(() => as(USERS.viewer, { sort: '-internal' }).find({ fields: 'id' }), 403, /filter column 'internal'/);
      expect(rows(await as(USERS.editor, { filter: { secret: 's1' } }).find({ fields: 'id' }))).toEqual([{ id: 1 }]);
    });

    it('writing a denied field is a 403; a root admin and the trusted repository may', async () => {
      await expectHttpError(() => as(USERS.viewer).update({ id: 1, data: { price: 1 } }), 403, "You do not have permission to update column 'price' on table 'items'.");
      await expectHttpError(() => as(USERS.editor).create({ data: { name: 'S', internal: 'x' } }), 403, "You do not have permission to create column 'internal' on table 'items'.");
      expect(rows(await as(USERS.viewer).update({ id: 1, data: { qty: 2 }, fields: 'qty' }))).toEqual([{ qty: 2 }]);
      expect(rows(await as(USERS.root).update({ id: 1, data: { price: 1 }, fields: 'price' }))).toEqual([{ price: 1 }]);
      expect(rows(await h.db().repository('items', request({ user: USERS.viewer })).update({ id: 1, data: { price: 3 }, fields: 'price' }))).toEqual([{ price: 3 }]);
    });
  });
}
