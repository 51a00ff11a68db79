/**
 * `$ctx.$repos` for the sandbox bridge. With dynamicMembers the bridge
 * passes the member name as the first argument, then the script's
 * arguments. The member is a table name or alias (trusted, as Enfyra's
 * `$repos.<table>`), `main` (the route's main table, field permissions
 * enforced) or `secure.<table>` (enforced). As in Enfyra, a name that is not
 * a table fails with "Repo method not found: <name>.<method>".
 */
import type { HostArg, HostMethod, HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { HttpError } from '../shared/http-errors.ts';
import { isUnrepresentable } from '../shared/wire.ts';
import { DatabaseHandle, resolveDatabase, type DatabaseSource } from './database-handle.ts';
import type { Repository } from './repository.ts';
import { resolveTable } from './schema.ts';
import { Transactions, createTransactionModule } from './transactions.ts';

const METHODS = ['find', 'exists', 'create', 'update', 'delete'] as const;

/** `$repos` and `$transaction`, sharing the invocation's transaction. */
export function createReposModules(source: DatabaseSource): HostModule[] {
  const transactions = new Transactions(source);
  return [createReposModule(source, transactions), createTransactionModule(transactions)];
}

export function createReposModule(source: DatabaseSource, transactions = new Transactions(source)): HostModule {
  const methods: Record<string, HostMethod> = {};
  for (const name of METHODS) {
    methods[name] = {
      kind: 'async',
      call: async (scope, args) => {
        const member = args[0];
        const db = await resolveDatabase(source);
        const { table, enforce } = resolveMember(db.schema, scope, member, name);
        for (const arg of args.slice(1)) {
          if (isUnrepresentable(arg)) throw new HttpError(400, `$repos.${String(member)}.${name}: options cannot be sent to the host (${arg.describe()})`);
        }
        const context = scope.context;
        // Loaded with the database (knex, its dialects and uuid): a run that never calls $repos never loads them.
        const { Repository } = await import('./repository.ts');
        const repository = new Repository(await transactions.target(scope), table, {
          query: isRecord(context.$query) ? context.$query : {},
          user: context.$user ?? null,
          enforce,
          warn: (code, message) => scope.warn(code, message),
        });
        return (source instanceof DatabaseHandle ? source.observe(repository) : repository)[name](args[1]);
      },
    };
  }
  return { path: '$repos', dynamicMembers: true, methods };
}

function resolveMember(schema: Parameters<typeof resolveTable>[0], scope: InvocationScope, member: HostArg, method: string) {
  const notFound = (hint = '') => new Error(`Repo method not found: ${String(member)}.${method}${hint}`);
  if (typeof member !== 'string') throw notFound();
  if (member === 'main' && scope.mainTable) {
    const table = resolveTable(schema, scope.mainTable);
    if (!table) throw notFound(` (the main table "${scope.mainTable}" is not in the schema)`);
    return { table, enforce: true };
  }
  const secure = member.startsWith('secure.');
  const table = resolveTable(schema, secure ? member.slice('secure.'.length) : member);
  if (!table) {
    const hint =
      member === 'main'
        ? ' (no main table: pass --table or set database.mainTable)'
        : schema.tables.size === 0
          ? ' (no tables: database.schema names no schema file)'
          : ` (tables: ${[...schema.tables.keys()].join(', ')})`;
    throw notFound(hint);
  }
  return { table, enforce: secure };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
