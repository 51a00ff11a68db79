/**
 * Maps constraint violations reported by the three drivers to HTTP errors a
 * script can catch: duplicate unique value → 409, broken reference → 400 on
 * write and 409 on delete. Anything else is rethrown unchanged.
 */
import { HttpError } from '../shared/http-errors.ts';
import { constraintName } from './naming.ts';
import type { TableSchema } from './schema.ts';

interface DriverError {
  code?: string;
  errno?: number;
  detail?: string;
  message?: string;
}

export function translateDbError(
  err: unknown,
  table: TableSchema,
  physicalTable: string,
  operation: 'create' | 'update' | 'delete',
): unknown {
  if (err instanceof HttpError || typeof err !== 'object' || err === null) return err;
  const e = err as DriverError;
  if (isUnique(e)) {
    const column = uniqueColumn(e, table, physicalTable);
    return new HttpError(
      409,
      column
        ? `${table.name}: a row with this ${column} already exists`
        : `${table.name}: a row with the same unique value already exists`,
    );
  }
  if (isForeignKey(e)) {
    return operation === 'delete'
      ? new HttpError(409, `${table.name}: the row is still referenced by other rows`)
      : new HttpError(400, `${table.name}: a referenced row does not exist`);
  }
  return err;
}

function isUnique(e: DriverError): boolean {
  return (
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === '23505' ||
    e.errno === 1062
  );
}

function isForeignKey(e: DriverError): boolean {
  // SQLite reports ON DELETE RESTRICT as a trigger constraint.
  const sqlite =
    e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
    (e.code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/.test(e.message ?? ''));
  return sqlite || e.code === '23503' || e.errno === 1451 || e.errno === 1452;
}

/** The column named by the driver's message, if it can be told. */
function uniqueColumn(e: DriverError, table: TableSchema, physicalTable: string): string | null {
  const message = e.message ?? '';
  const candidates = [
    /UNIQUE constraint failed: [^.\s]+\.(\w+)/.exec(message)?.[1], // SQLite
    /Key \((\w+)\)=/.exec(e.detail ?? '')?.[1], // PostgreSQL
  ];
  const mysqlKey = /for key '(?:[^'.]*\.)?([^']+)'/.exec(message)?.[1]; // MySQL/MariaDB: the index name
  if (mysqlKey === 'PRIMARY') candidates.push(table.primaryKey.name);
  for (const column of table.columns.values()) {
    if (mysqlKey && column.unique && constraintName(physicalTable, column.name, 'unique') === mysqlKey) {
      candidates.push(column.name);
    }
  }
  return candidates.find((c) => c !== undefined && table.columns.has(c)) ?? null;
}
