/**
 * `$ctx.$transaction`'s host side: one database transaction per invocation.
 * The sandbox's `$transaction.run(cb)` calls `begin`, then `commit` when the
 * callback resolves or `rollback` when it throws; every `$repos` call the
 * invocation makes in between runs in the transaction. A `begin` while one
 * is open joins it (Enfyra runs a nested `run` inside the outer one, which
 * alone commits or rolls back). An invocation that ends with the
 * transaction still open (timeout, abort, an error past the callback) rolls
 * it back.
 */
import type { Knex } from 'knex';
import type { HostModule, InvocationScope } from '../sandbox/host-module.ts';
import type { TableTarget } from './ddl.ts';
import { resolveDatabase, type DatabaseSource } from './database-handle.ts';

interface TransactionState {
  depth: number;
  trx: Knex.Transaction | null;
  /** The outermost `begin` while its transaction is being opened. */
  opening: Promise<Knex.Transaction> | null;
}

export class Transactions {
  private readonly source: DatabaseSource;

  constructor(source: DatabaseSource) {
    this.source = source;
  }

  private state(scope: InvocationScope): TransactionState {
    return scope.state(this, () => ({ depth: 0, trx: null, opening: null }));
  }

  /** Where the scope's `$repos` calls run: its open transaction, or the database itself. */
  async target(scope: InvocationScope): Promise<TableTarget> {
    const db = await resolveDatabase(this.source);
    const state = this.state(scope);
    const trx = state.trx ?? (state.opening ? await state.opening : null);
    return trx ? { knex: trx, dialect: db.dialect, schema: db.schema, physical: db.physical } : db;
  }

  async begin(scope: InvocationScope): Promise<void> {
    const state = this.state(scope);
    state.depth += 1;
    if (state.depth > 1) return;
    const db = await resolveDatabase(this.source);
    state.opening = db.knex.transaction();
    try {
      state.trx = await state.opening;
    } catch (err) {
      state.depth = 0;
      throw err;
    } finally {
      state.opening = null;
    }
    scope.signal.addEventListener('abort', () => void this.abandon(scope), { once: true });
  }

  async commit(scope: InvocationScope): Promise<void> {
    await this.finish(scope, 'commit');
  }

  async rollback(scope: InvocationScope): Promise<void> {
    await this.finish(scope, 'rollback');
  }

  /** The invocation ended: an open transaction is rolled back. */
  async abandon(scope: InvocationScope): Promise<void> {
    const state = this.state(scope);
    if (state.depth === 0) return;
    state.depth = 1;
    await this.finish(scope, 'rollback').catch(() => {});
  }

  private async finish(scope: InvocationScope, how: 'commit' | 'rollback'): Promise<void> {
    const state = this.state(scope);
    if (state.depth === 0) throw new Error(`$transaction.${how}: no transaction is open`);
    state.depth -= 1;
    if (state.depth > 0) return;
    const trx = state.trx;
    state.trx = null;
    if (!trx || trx.isCompleted()) return;
    if (how === 'commit') await trx.commit();
    else await trx.rollback();
  }
}

/** The `$transaction` host module: begin, commit, rollback (all async). */
export function createTransactionModule(transactions: Transactions): HostModule {
  return {
    path: '$transaction',
    methods: {
      begin: { kind: 'async', call: (scope) => transactions.begin(scope) },
      commit: { kind: 'async', call: (scope) => transactions.commit(scope) },
      rollback: { kind: 'async', call: (scope) => transactions.rollback(scope) },
    },
    onInvocationEnd: (scope) => transactions.abandon(scope),
  };
}
