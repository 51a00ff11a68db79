/**
 * The configured database, with every repository call noted per request
 * (request-activity.ts): rows written (their full row before the first write,
 * and after the request) and, when recording, the full rows read. The
 * repository methods are passed through untouched, whatever their arguments.
 */
import type { DatabaseConfig } from '../../config/schema.ts';
import { DatabaseHandle } from '../../repos/database-handle.ts';
import type { Database, OpenOptions } from '../../repos/database.ts';
import type { Repository, Row } from '../../repos/repository.ts';
import { activityStore, type RequestActivity, type RowTouch } from './request-activity.ts';

type Method = (...args: unknown[]) => Promise<unknown>;

export class ActivityDatabaseHandle extends DatabaseHandle {
  private wrapped: Promise<Database> | null = null;
  private wrappedFrom: Promise<Database> | null = null;
  /** The open database without tracking, for reading rows back. */
  private plain: Database | null = null;

  constructor(config: DatabaseConfig, options: OpenOptions = {}) {
    super(config, options);
  }

  override open(): Promise<Database> {
    const opening = super.open();
    if (opening !== this.wrappedFrom) {
      this.wrappedFrom = opening;
      this.wrapped = opening.then((db) => {
        this.plain = db;
        return trackedDatabase(db, this);
      });
    }
    return this.wrapped!;
  }

  /** Reads back every row the request wrote. */
  async settle(activity: RequestActivity): Promise<void> {
    await activity.settled();
    if (!this.plain) return;
    for (const touch of activity.rowChanges) touch.after = (await readRows(this.plain, touch.table, [touch.id])).get(touch.id) ?? null;
  }

  /** Notes rows before the request touches them (first touch wins). */
  noteRows(activity: RequestActivity, table: string, ids: string[], rows: Map<string, Row>, how: { created?: boolean; written?: boolean }): void {
    for (const id of ids) {
      const key = activity.rowKey(table, id);
      const seen = activity.rows.get(key);
      if (seen) {
        if (how.written) seen.written = true;
        continue;
      }
      const touch: RowTouch = {
        table,
        id,
        before: how.created ? null : (rows.get(id) ?? null),
        created: how.created ?? false,
        written: how.written ?? false,
      };
      activity.rows.set(key, touch);
    }
  }

  /** `$repos` builds a repository per call (on the database or its open transaction): each is watched. */
  override observe(repository: Repository): Repository {
    return this.plain ? trackedRepository(this.plain, repository, this) : repository;
  }

  get plainDatabase(): Database | null {
    return this.plain;
  }
}

function trackedDatabase(db: Database, handle: ActivityDatabaseHandle): Database {
  const repositories = new Map<string, Repository>();
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'repository') return Reflect.get(target, property, receiver);
      return (name: string) => {
        let repository = repositories.get(name);
        if (!repository) {
          repository = trackedRepository(target, target.repository(name), handle);
          repositories.set(name, repository);
        }
        return repository;
      };
    },
  });
}

function trackedRepository(db: Database, repository: Repository, handle: ActivityDatabaseHandle): Repository {
  const table = repository.table.name;
  const pk = repository.table.primaryKey.name;
  const idOf = (options: unknown) => {
    const id = (options as { id?: unknown } | null)?.[('id' as const)];
    return id === undefined || id === null ? null : String(id);
  };
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || !['find', 'create', 'update', 'delete'].includes(property as string)) return value;
      const method = (value as Method).bind(target);
      return async (...args: unknown[]) => {
        const activity = activityStore.getStore();
        if (!activity) return method(...args);
        if (property === 'update' || property === 'delete') {
          const id = idOf(args[0]);
          if (id !== null && !activity.rows.has(activity.rowKey(table, id))) {
            const before = activity.track(readRows(db, table, [id]));
            handle.noteRows(activity, table, [id], await before, { written: true });
          } else if (id !== null) {
            handle.noteRows(activity, table, [id], new Map(), { written: true });
          }
          return method(...args);
        }
        const result = await method(...args);
        const rows = ((result as { data?: unknown } | null)?.data ?? []) as Row[];
        const ids = Array.isArray(rows) ? rows.map((r) => r?.[pk]).filter((v) => v !== undefined && v !== null).map(String) : [];
        if (property === 'create') handle.noteRows(activity, table, ids, new Map(), { created: true, written: true });
        else if (activity.trackReads) {
          const fresh = ids.filter((id) => !activity.rows.has(activity.rowKey(table, id)));
          // Read rows are kept whole (a find may ask for a few fields): a fixture needs full rows to insert.
          if (fresh.length) handle.noteRows(activity, table, fresh, await activity.track(readRows(db, table, fresh)), {});
        }
        return result;
      };
    },
  });
}

/** Full rows of `table` by primary key (as text), read outside any request's tracking. */
async function readRows(db: Database, table: string, ids: string[]): Promise<Map<string, Row>> {
  const repository = db.repository(table);
  const pk = repository.table.primaryKey.name;
  const out = new Map<string, Row>();
  if (ids.length === 0) return out;
  const found = await activityStore.exit(() => repository.find({ filter: { [pk]: { _in: ids } }, limit: 0 }));
  for (const row of found.data) out.set(String(row[pk]), row);
  return out;
}
