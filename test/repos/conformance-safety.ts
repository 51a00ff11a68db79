/**
 * Conformance, the rest: `$transaction` (the host module driven directly,
 * as the sandbox's `$transaction.run` drives it), relations loaded in
 * batches (queries counted through knex's query events), and injection
 * attempts through every name a script can pass.
 */
import { describe, expect, it } from 'vitest';
import { Scope } from '../../runtime/sandbox/invocation-scope.ts';
import { createReposModule, createReposModules } from '../../runtime/repos/repos-module.ts';
import { sandboxSchema } from '../../runtime/config/schema.ts';
import { contextData } from '../../runtime/context/request.ts';
import { Sandbox } from '../../runtime/sandbox/sandbox.ts';
import { createTransactionModule, Transactions } from '../../runtime/repos/transactions.ts';
import type { Database } from '../../runtime/repos/database.ts';
import type { TestDatabase } from '../support/databases.ts';
import { ALL_IDS, expectHttpError, ids, request, rows, useDatabase } from './conformance-support.ts';

/** Every row of every table and junction table, to compare before and after. */
async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const names = [...db.schema.tables.keys(), ...db.schema.junctions.map((j) => j.table)];
  for (const name of names) out[name] = await db.knex(db.physical(name)).select('*').orderByRaw('1, 2');
  return out;
}

export function describeTransactionsAndSafety(target: TestDatabase): void {
  describe('$transaction host module', () => {
    const h = useDatabase(target, 'each');
    const setup = () => {
      const transactions = new Transactions(h.db());
      const repos = createReposModule(h.db(), transactions);
      const transaction = createTransactionModule(transactions);
      const scope = new Scope();
      const call = (method: string, table: string, options: unknown) => repos.methods[method]!.call(scope, [table, options]) as Promise<unknown>;
      const tx = (method: 'begin' | 'commit' | 'rollback') => transaction.methods[method]!.call(scope, []) as Promise<void>;
      return { transactions, transaction, scope, call, tx };
    };
    const writeEverywhere = async (call: ReturnType<typeof setup>['call']) => {
      await call('create', 'owners', { data: { name: 'Tx', items: [{ name: 'tx item', tags: [1, { label: 'tx tag' }] }] } });
      await call('update', 'items', { id: 1, data: { price: 99, tags: [3], owner: 2 } });
      await call('delete', 'items', { id: 2 });
      await call('create', 'tokens', { data: { value: 'tx' } });
    };

    it('is $transaction with async begin, commit and rollback', () => {
      const { transaction } = setup();
      expect(transaction.path).toBe('$transaction');
      expect(Object.keys(transaction.methods).sort()).toEqual(['begin', 'commit', 'rollback']);
      for (const method of Object.values(transaction.methods)) expect(method.kind).toBe('async');
    });

    it('a rollback (the script threw) leaves every table unchanged; reads inside see the writes', async () => {
      const before = await snapshot(h.db());
      const { call, tx } = setup();
      await tx('begin');
      await writeEverywhere(call);
      expect(rows(await call('find', 'owners', { fields: 'name', filter: { name: 'Tx' } }))).toEqual([{ name: 'Tx' }]);
      await expectHttpError(() => call('create', 'items', { data: { name: 'Apple' } }), 400);
      await tx('rollback');
      expect(await snapshot(h.db())).toEqual(before);
    });

    it('a commit keeps every write', async () => {
      const { call, tx } = setup();
      await tx('begin');
      await writeEverywhere(call);
      await tx('commit');
      expect(rows(await h.db().repository('owners').find({ fields: 'id,name,items.name,items.tags.label', filter: { name: 'Tx' } }))).toEqual([
        { id: 4, name: 'Tx', items: [{ name: 'tx item', id: 13, tags: [{ label: 'red', id: 1 }, { label: 'tx tag', id: 4 }] }] },
      ]);
      expect(ids(await h.db().repository('items').find({ fields: 'id', limit: 0 }))).not.toContain(2);
    });

    it('a nested begin joins the open transaction: only the outermost commit or rollback counts', async () => {
      const before = await snapshot(h.db());
      const { call, tx } = setup();
      await tx('begin');
      await tx('begin');
      await call('create', 'owners', { data: { name: 'Inner' } });
      await tx('commit');
      await call('create', 'owners', { data: { name: 'Outer' } });
      await tx('rollback');
      expect(await snapshot(h.db())).toEqual(before);

      await tx('begin');
      await tx('begin');
      await call('create', 'owners', { data: { name: 'Inner' } });
      await tx('rollback');
      await tx('commit');
      expect(rows(await h.db().repository('owners').find({ fields: 'name', filter: { name: 'Inner' } }))).toEqual([{ name: 'Inner' }]);
      await expect(tx('commit')).rejects.toThrow(/no transaction is open/);
    });

    it("through the sandbox, as a script has it: $transaction.run commits what its callback wrote, a throw inside rolls every table back", async () => {
      const sandbox = new Sandbox(sandboxSchema.parse({}), createReposModules(h.db()));
      try {
        const run = async (code: string) => {
          const outcome = await sandbox.invoke({ filename: 'hooks/tx.js', code }, contextData({}, {}));
          expect(outcome.error, JSON.stringify(outcome.error)).toBeNull();
          return outcome.data;
        };
        const before = await snapshot(h.db());
        expect(await run(`
          try {
            await $ctx.$transaction.run(async () => {
              await $ctx.$repos.owners.create({ data: { name: 'Doomed', items: [{ name: 'doomed item' }] } });
              await $ctx.$repos.items.delete({ id: 2 });
              throw new Error('changed my mind');
            });
          } catch (e) { return [e.message, Object.keys($ctx.$transaction)]; }`)).toEqual(['changed my mind', ['run']]);
        expect(await snapshot(h.db())).toEqual(before);
        expect(await run(`return await $ctx.$transaction.run(async () => (await $ctx.$repos.owners.create({ data: { name: 'Kept' } })).data[0].name);`)).toBe('Kept');
        expect(rows(await h.db().repository('owners').find({ fields: 'name', filter: { name: 'Kept' } }))).toEqual([{ name: 'Kept' }]);
      } finally {
        sandbox.close();
      }
    });

    it('an invocation that ends (timeout, abort) with the transaction open rolls it back', async () => {
      const before = await snapshot(h.db());
      const { call, tx, scope, transaction } = setup();
      await tx('begin');
      await writeEverywhere(call);
      scope.end();
      await transaction.onInvocationEnd!(scope);
      expect(await snapshot(h.db())).toEqual(before);
    });

    it('invocations do not share a transaction', async () => {
      const first = setup();
      await first.tx('begin');
      await first.call('create', 'owners', { data: { name: 'First' } });
      await first.tx('rollback');
      const second = setup();
      await second.call('create', 'owners', { data: { name: 'Second' } });
      expect(rows(await h.db().repository('owners').find({ fields: 'name', filter: { name: { _in: ['First', 'Second'] } } }))).toEqual([{ name: 'Second' }]);
    });
  });

  describe('relations load in batches', () => {
    const h = useDatabase(target, 'each');

    it('100 rows with two relations and a nested one: one query per relation per level', async () => {
      const db = h.db();
      const newItems = Array.from({ length: 100 }, (_, i) => ({ name: `bulk-${i}`, price: i, qty: 0, active: true, status: 'live', ownerId: (i % 3) + 1 }));
      await db.knex(db.physical('items')).insert(newItems);
      const bulk = (await db.knex(db.physical('items')).select('id').where('name', 'like', 'bulk-%').orderBy('id')) as Array<{ id: number }>;
      await db.knex(db.physical('reviews')).insert(bulk.flatMap(({ id }, i) => [
        { itemId: id, stars: 1 + (i % 5), authorId: (i % 2) + 1 },
        { itemId: id, stars: 5, authorId: null },
      ]));
      const queries: string[] = [];
      const listener = (q: { sql: string }) => queries.push(q.sql);
      db.knex.on('query', listener);
      const result = await db.repository('items').find({
        fields: 'id,name,owner.name,reviews.stars,reviews.author.name',
        filter: { name: { _starts_with: 'bulk-' } },
        limit: 100,
      });
      db.knex.removeListener('query', listener);
      expect(result.data).toHaveLength(100);
      expect(queries).toHaveLength(4);
      expect(rows(result)[0]).toEqual({
        id: bulk[0]!.id,
        name: 'bulk-0',
        owner: { name: 'Ann', id: 1 },
        reviews: [
          { stars: 1, id: expect.any(Number), author: { name: 'Ann', id: 1 } },
          { stars: 5, id: expect.any(Number), author: null },
        ],
      });
      expect(rows(result)[1]).toMatchObject({ owner: { name: 'Ben' }, reviews: [{ stars: 2, author: { name: 'Ben' } }, { stars: 5 }] });
    });
  });

  describe('injection attempts are rejected or treated as data', () => {
    const h = useDatabase(target, 'each');
    const hostile = ['name; DROP TABLE items', 'id) OR 1=1 --', "items' --", 'items"; DROP TABLE owners; --', 'name`; --'];
    const items = (call = request()) => h.db().repository('items', call);

    async function expectIntact(): Promise<void> {
      const db = h.db();
      expect(ids(await items().find({ fields: 'id', limit: 0 }))).toEqual(ALL_IDS);
      expect(ids(await db.repository('owners').find({ fields: 'id' }))).toEqual([1, 2, 3]);
      for (const table of [...db.schema.tables.keys(), ...db.schema.junctions.map((j) => j.table)]) {
        expect(await db.knex.schema.hasTable(db.physical(table))).toBe(true);
      }
    }

    it('through table names', async () => {
      for (const name of hostile) await expectHttpError(async () => h.db().repository(name).find(), 400, /unknown table/);
      const repos = createReposModule(h.db());
      for (const name of hostile) {
        await expect(repos.methods.find!.call(new Scope(), [name, {}])).rejects.toThrow(/^Repo method not found/);
      }
      await expectIntact();
    });

    it('through filter keys, operator names and relation paths', async () => {
      for (const key of hostile) {
        expect(ids(await items().find({ fields: 'id', filter: { [key]: 1 }, limit: 0 }))).toEqual(ALL_IDS);
        await expectHttpError(() => items().find({ filter: { id: { [key]: 1 } } }), 400);
        await expectHttpError(() => items().find({ filter: { id: { [`_${key}`]: 1 } } }), 400, /Unsupported filter operator/);
        expect(ids(await items().find({ fields: 'id', filter: { owner: { [key]: 1 } }, limit: 0 }))).toEqual([1, 2, 3, 5, 7, 9, 11]);
        expect(ids(await items().find({ fields: 'id', filter: { _or: [{ [key]: { _eq: 1 } }, { id: 1 }] }, limit: 0 }))).toEqual([1]);
      }
      await expectIntact();
    });

    it('through fields, relation paths in fields and sort, and deep keys', async () => {
      for (const bad of hostile) {
        const call = request();
        expect(rows(await items(call).find({ fields: ['id', bad, `owner.${bad}`], limit: 1 }))).toEqual([{ id: 1, owner: { id: 1 } }]);
        expect(call.warnings.every((w) => w.code === 'repos.unknown-field')).toBe(true);
        await expectHttpError(() => items().find({ sort: bad }), 400, /unknown sort field/);
        await expectHttpError(() => items().find({ sort: [`-owner.${bad}`] }), 400, /unknown sort field/);
        await expectHttpError(() => items().find({ sort: `${bad}.name` }), 400, /unknown sort field/);
        await expectHttpError(() => items().find({ fields: '*', deep: { [bad]: {} } }), 400, /Unknown relation/);
        await expectHttpError(() => items().find({ fields: '*', deep: { reviews: { sort: bad } } }), 400, /Sort path/);
        await expectHttpError(() => items().find({ fields: `-${bad}` }), 400, /Unknown excluded/);
      }
      await expectIntact();
    });

    it('through aggregate names and operations', async () => {
      for (const bad of hostile) {
        await expectHttpError(() => items().find({ aggregate: { [bad]: { sum: true } } }), 400, /Unknown aggregate field/);
        await expectHttpError(() => items().find({ aggregate: { price: { [bad]: true } } }), 400, /Unsupported aggregate operation/);
        await expectHttpError(() => items().find({ aggregate: { reviews: { countRecords: { [bad]: { _eq: 1 } } } } }), 400);
      }
      await expectIntact();
    });

    it('through values', async () => {
      const where = async (filter: unknown) => ids(await items().find({ fields: 'id', filter, limit: 0 }));
      expect(await where({ name: "x' OR '1'='1" })).toEqual([]);
      expect(await where({ name: { _contains: "'; DROP TABLE items; --" } })).toEqual([]);
      expect(await where({ name: { _in: ["Apple', 'banana", 'x) OR (1=1'] } })).toEqual([]);
      expect(await where({ owner: { name: "Ann' OR '1'='1" } })).toEqual([]);
      await expectHttpError(() => where({ owner: { _eq: '1 OR 1=1' } }), 400, /expected an integer/);
      await expectHttpError(() => where({ id: '1 OR 1=1' }), 400, /expected an integer/);
      await expectHttpError(() => where({ name: { _eq: { $gt: '' } } }), 400, /expected a string/);
      await expectHttpError(() => where({ id: { _in: [[1, 2]] } }), 400, /expected an integer/);
      await expectIntact();
    });

    it('through __proto__ and constructor keys', async () => {
      const call = request();
      await expectHttpError(() => items().find({ filter: JSON.parse('{"__proto__": {"id": 1}}') }), 400, /Unsupported filter operator "__proto__"/);
      expect(ids(await items(call).find({ fields: 'id', filter: JSON.parse('{"constructor": {"prototype": {"id": 1}}}'), limit: 0 }))).toEqual(ALL_IDS);
      await expectHttpError(() => items().find({ filter: JSON.parse('{"id": {"__proto__": 1}}') }), 400, /Unsupported filter operator "__proto__"/);
      const created = rows(await items(call).create({ data: JSON.parse('{"name": "P", "__proto__": {"active": false}}'), fields: 'id,active' }))[0]!;
      expect(created.active).toBe(true);
      expect(({} as Record<string, unknown>).active).toBeUndefined();
      await items().delete({ id: created.id });
      await expectIntact();
    });

    it('stores hostile strings verbatim', async () => {
      const name = "Robert'); DROP TABLE items;--";
      const created = rows(await items().create({ data: { name, notes: '\\x00 \\\' " ` $1 ?? ?' } }))[0]!;
      expect(created.name).toBe(name);
      expect(created.notes).toBe('\\x00 \\\' " ` $1 ?? ?');
      expect(ids(await items().find({ fields: 'id', filter: { name } }))).toEqual([created.id]);
      await items().delete({ id: created.id });
      await expectIntact();
    });
  });
}
