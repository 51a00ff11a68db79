/**
 * `$ctx.$repos.<table>.find/create/update/delete(options)` for the sandbox
 * bridge. With dynamicMembers the bridge passes the member name (the table)
 * as the first argument and the script's options object as the second.
 */
import { HttpError } from '../shared/http-errors.ts';
import type { HostArg, HostMethod, HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { isUnrepresentable } from '../shared/wire.ts';
import type { Database } from './database.ts';
import { resolveDatabase, type DatabaseSource } from './database-handle.ts';

const METHODS = ['find', 'create', 'update', 'delete'] as const;

export function createReposModule(source: DatabaseSource): HostModule {
  const methods: Record<string, HostMethod> = {};
  for (const name of METHODS) {
    methods[name] = {
      kind: 'async',
      call: async (scope, args) => {
        const db = await resolveDatabase(source);
        const repository = db.repository(tableName(db, scope, args[0]));
        const options = args[1];
        if (isUnrepresentable(options)) {
          const where = `$repos.${repository.table.name}.${name}`;
          throw new HttpError(400, `${where}: options cannot be sent to the host (${options.describe()})`);
        }
        return repository[name](options);
      },
    };
  }
  return { path: '$repos', dynamicMembers: true, methods };
}

/** `main` is the hook's main table; a schema table literally named "main" is used only when none is configured. */
function tableName(db: Database, scope: InvocationScope, member: HostArg): string {
  if (typeof member !== 'string') throw new HttpError(400, '$repos: the table name must be a string');
  if (member !== 'main') return member;
  if (scope.mainTable) return scope.mainTable;
  if (db.schema.tables.has('main')) return 'main';
  throw new HttpError(400, 'no main table: pass --table or set database.mainTable');
}
