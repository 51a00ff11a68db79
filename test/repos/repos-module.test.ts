import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../runtime/repos/database.ts';
import { DatabaseHandle } from '../../runtime/repos/database-handle.ts';
import { databaseSchema } from '../../runtime/config/schema.ts';
import { createReposModule, createReposModules } from '../../runtime/repos/repos-module.ts';
import { createSqliteTemplate } from '../../runtime/repos/sqlite-image.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import { conformanceFixtures, expectHttpError, USERS } from './conformance-support.ts';

describe('$repos host module', () => {
  let db: Database;
  beforeAll(async () => {
    db = (await createSqliteTemplate(conformanceFixtures)).open();
  });
  afterAll(() => db.close());

  const module = () => createReposModule(db);
  const call = (method: string, scope: Scope, ...args: unknown[]) => module().methods[method]!.call(scope, args) as Promise<any>;

  it('is an async $repos module with dynamic members, created together with $transaction', () => {
    const m = module();
    expect(m.path).toBe('$repos');
    expect(m.dynamicMembers).toBe(true);
    expect(Object.keys(m.methods).sort()).toEqual(['create', 'delete', 'exists', 'find', 'update']);
    for (const method of Object.values(m.methods)) expect(method.kind).toBe('async');
    expect(createReposModules(db).map((x) => x.path)).toEqual(['$repos', '$transaction']);
  });

  it('routes table and options to the repository, with the request\'s $query and warnings on the scope', async () => {
    const scope = new Scope({ context: { $query: { limit: '2', sort: '-id' } }, file: 'hooks/x.js' });
    expect(await call('find', scope, 'items', { fields: 'id' })).toEqual({ data: [{ id: 12 }, { id: 11 }] });
    expect(await call('find', scope, 'items', { fields: 'id', where: { id: 1 } })).toEqual({ data: [{ id: 12 }, { id: 11 }] });
    expect(scope.warnings).toEqual([{ code: 'repos.where-ignored', message: expect.stringMatching(/filter/), file: 'hooks/x.js' }]);
    expect(await call('exists', scope, 'items', { name: 'Fig' })).toBe(true);
  });

  it('main is the scope\'s main table, secure.<table> any table: both enforce field permissions for $user', async () => {
    const viewer = new Scope({ mainTable: 'items', context: { $user: USERS.viewer } });
    expect(await call('find', viewer, 'main', { fields: 'id,secret', limit: 1 })).toEqual({ data: [{ id: 1 }] });
    expect(await call('find', viewer, 'secure.items', { fields: 'id,secret', limit: 1 })).toEqual({ data: [{ id: 1 }] });
    expect(await call('find', viewer, 'items', { fields: 'id,secret', limit: 1 })).toEqual({ data: [{ id: 1, secret: 's1' }] });
    const root = new Scope({ mainTable: 'items', context: { $user: USERS.root } });
    expect(await call('find', root, 'main', { fields: 'id,secret', limit: 1 })).toEqual({ data: [{ id: 1 }] });
    expect(await call('update', root, 'main', { id: 1, data: { price: 2 }, fields: 'price' })).toEqual({ data: [{ price: 2 }] });
  });

  it('an unknown table (or main without a main table) fails "Repo method not found", as in Enfyra', async () => {
    const scope = new Scope();
    await expect(call('find', scope, 'nope')).rejects.toThrow(/^Repo method not found: nope\.find \(tables: owners, items/);
    await expect(call('create', scope, 'secure.nope', {})).rejects.toThrow(/^Repo method not found: secure\.nope\.create/);
    await expect(call('find', scope, 'main')).rejects.toThrow('Repo method not found: main.find (no main table: pass --table or set database.mainTable)');
    await expect(call('find', scope, 42)).rejects.toThrow(/^Repo method not found: 42\.find/);
    await expectHttpError(() => call('find', scope, 'items', new Unrepresentable('function', 'function at .filter')), 400, /function at \.filter/);
  });

  it('opens a DatabaseHandle at the first call only; without a schema every table is unknown', async () => {
    const handle = new DatabaseHandle(databaseSchema.parse({ url: 'sqlite::memory:' }), { fixtures: conformanceFixtures });
    const m = createReposModule(handle);
    expect(await m.methods.find!.call(new Scope(), ['owners', { fields: 'name', limit: 1 }])).toEqual({ data: [{ name: 'Ann' }] });
    await handle.close();
    const empty = new DatabaseHandle(databaseSchema.parse({ url: 'sqlite::memory:', schema: null }));
    await expect(createReposModule(empty).methods.find!.call(new Scope(), ['items', {}])).rejects.toThrow(
      'Repo method not found: items.find (no tables: database.schema names no schema file)',
    );
    await empty.close();
  });
});

describe('host-side reads for the dev server', () => {
  it('loads a user with its role as Enfyra builds $user, and lists the tables', async () => {
    const { loadUserWithRole, listTables } = await import('../../runtime/repos/users.ts');
    const db = (await createSqliteTemplate(conformanceFixtures)).open();
    try {
      const user = await loadUserWithRole(db, USERS.editor.id);
      expect(user).toMatchObject({ id: USERS.editor.id, email: 'editor@example.com', isRootAdmin: false, roleId: 2, role: { id: 2, name: 'Editor' } });
      expect(user).toHaveProperty('password');
      expect(await loadUserWithRole(db, 'not-a-user')).toBeNull();
      expect(await loadUserWithRole(db, null)).toBeNull();
      expect(listTables(db)).toEqual(['owners', 'items', 'reviews', 'tags', 'profiles', 'tokens', 'enfyra_role', 'enfyra_user']);
    } finally {
      await db.close();
    }
  });
});
