/**
 * What the host side (the dev server's auth, route table) reads from the
 * database outside a script: a user with its role, as Enfyra's
 * loadUserWithRole builds `$ctx.$user` (shared/utils/load-user-with-role.util.ts:
 * the stored `enfyra_user` row, `role` replaced by the stored `enfyra_role` row),
 * and the tables canonical routes are served for.
 */
import type { Database } from './knex-database.ts';
import type { Row } from './read.ts';
import { resolveTable } from './schema.ts';

/** The `enfyra_user` row with this id and its role, or null (no such user, or no enfyra_user table). */
export async function loadUserWithRole(db: Database, id: unknown): Promise<Row | null> {
  if (id === undefined || id === null || !resolveTable(db.schema, 'enfyra_user')) return null;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const users = db.repository('enfyra_user');
  const [user] = (await users.find({ filter: { id: { _eq: id } }, limit: 1 }).catch(() => ({ data: [] }))).data;
  if (!user) return null;
  const roleId = user.roleId;
  if (roleId !== null && roleId !== undefined && resolveTable(db.schema, 'enfyra_role')) {
    const [role] = (await db.repository('enfyra_role').find({ filter: { id: { _eq: roleId } }, limit: 1 })).data;
    user.role = role ?? null;
  }
  return user;
}

/** The schema's tables (not junction tables), in schema order. */
export function listTables(db: Pick<Database, 'schema'>): string[] {
  return [...db.schema.tables.keys()];
}
