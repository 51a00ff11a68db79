import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../runtime/repos/database.ts';
import { DatabaseHandle } from '../../runtime/repos/database-handle.ts';
import { databaseSchema } from '../../runtime/config/schema.ts';
import { createReposModule } from '../../runtime/repos/repos-module.ts';
import { createSqliteTemplate } from '../../runtime/repos/sqlite-image.ts';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import { conformanceFixtures, expectHttpError } from './conformance.ts';

describe('$repos host module', () => {
  let db: Database;
  beforeAll(async () => {
    db = (await createSqliteTemplate(conformanceFixtures)).open();
  });
  afterAll(() => db.close());

  const module = () => createReposModule(db);
  const call = (method: string, scope: Scope, ...args: unknown[]) => module().methods[method]!.call(scope, args) as Promise<any>;

  it('is an async $repos module with dynamic members', () => {
    const m = module();
    expect(m.path).toBe('$repos');
    expect(m.dynamicMembers).toBe(true);
    expect(Object.keys(m.methods).sort()).toEqual(['create', 'delete', 'find', 'update']);
    for (const method of Object.values(m.methods)) expect(method.kind).toBe('async');
  });

  it('routes table and options to the repository', async () => {
    const scope = new Scope();
    const found = await call('find', scope, 'items', { where: { id: { _eq: '2' } }, fields: 'id,name' });
    expect(found).toEqual({ data: [{ id: 2, name: 'banana' }], meta: {} });
    const created = await call('create', scope, 'codes', { data: { code: 'Z9', label: 'Zulu' }, fields: 'code' });
    expect(created.data).toEqual([{ code: 'Z9' }]);
    const updated = await call('update', scope, 'codes', { id: 'Z9', data: { label: 'Z' }, fields: ['label'] });
    expect(updated.data).toEqual([{ label: 'Z' }]);
    expect(await call('delete', scope, 'codes', { id: 'Z9' })).toEqual({ message: 'Delete successfully!', statusCode: 200 });
    expect((await call('find', scope, 'items')).data).toHaveLength(10);
  });

  it('runs on a DatabaseHandle, opening it at the first call', async () => {
    const handle = new DatabaseHandle(databaseSchema.parse({ url: 'sqlite::memory:' }), { fixtures: conformanceFixtures });
    const m = createReposModule(handle);
    const result = (await m.methods.find!.call(new Scope(), ['owners', { fields: 'name', limit: 1 }])) as { data: unknown[] };
    expect(result.data).toEqual([{ name: 'Ann' }]);
    await handle.close();
  });

  it('resolves main to the scope main table', async () => {
    const result = await call('find', new Scope({ mainTable: 'owners' }), 'main', { fields: 'name' });
    expect(result.data).toEqual([{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cy' }]);
    await expectHttpError(() => call('find', new Scope(), 'main'), 400, /no main table: pass --table or set database.mainTable/);
  });

  it('rejects unknown tables, naming them, and options that could not be copied', async () => {
    const scope = new Scope();
    await expectHttpError(() => call('find', scope, 'products; DROP TABLE items'), 400, /unknown table "products; DROP TABLE items"/);
    await expectHttpError(() => call('find', scope, 'items', new Unrepresentable('function', 'function at .filter')), 400, /function at .filter/);
    await expectHttpError(() => call('find', scope, 42), 400, /table name must be a string/);
    expect((await call('find', scope, 'items', { limit: 0 })).data).toHaveLength(12);
  });
});
