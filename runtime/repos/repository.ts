/**
 * One table's repository as a script calls it: `find`, `exists`, `create`,
 * `update`, `delete` with the options and results of Enfyra's
 * DynamicRepository (modules/dynamic-api/repositories/dynamic.repository.ts):
 *
 * - `find()` with no or partial options falls back to the request's
 *   `$query` (fields, deep, filter, sort, limit — default 10 —, meta,
 *   aggregate), and the page always comes from `$query.page`;
 * - `where` is not an option (ignored since 2.2, warned);
 * - writes return what a `find` of the row returns; `create` drops a given
 *   id; a missing id is a 400 `id X is not exists!`; database errors
 *   (duplicate key, broken reference) are 400s with the driver's message;
 * - `main` and `secure` repositories enforce field permissions for a user
 *   who is not root admin (permissions.ts).
 */
import { WHERE_IGNORED } from '../shared/known-warnings.ts';
import { HttpError } from '../shared/http-errors.ts';
import { driverMessage } from './connection.ts';
import type { TableTarget } from './ddl.ts';
import type { QueryContext } from './filter.ts';
import {
  assertQueryAllowed,
  sanitizeRows,
  stripDeniedFields,
  UserPermissions,
} from './permissions.ts';
import { normalizeProjection, validateDeep, type Deep } from './projection.ts';
import { executeRead, type FindResult, type Row } from './read.ts';
import { isPlainObject } from './row-values.ts';
import type { TableSchema } from './schema.ts';
import { deleteRecord, insertRecord, updateRecord, type WriteContext } from './write.ts';

export type { FindResult, Row } from './read.ts';

/** What a repository call knows about the request it serves. */
export interface RepoCall {
  /** The request's `$query` (filter, deep and aggregate already parsed from JSON). */
  readonly query: Readonly<Record<string, unknown>>;
  readonly user: unknown;
  /** `$repos.main` and `$repos.secure.<table>`: field permissions apply. */
  readonly enforce: boolean;
  warn(code: string, message: string): void;
}

/** Host-side callers (replay, the dev server): no request, no permissions, warnings dropped. */
export const TRUSTED_CALL: RepoCall = { query: {}, user: null, enforce: false, warn: () => {} };

export interface DeleteResult {
  message: 'Delete successfully!';
  statusCode: 200;
}

export interface BatchCreateResult {
  accepted: true;
  batch: true;
  count: number;
}

const FIND_OPTIONS = new Set(['filter', 'fields', 'limit', 'sort', 'meta', 'aggregate', 'deep']);

export class Repository {
  readonly table: TableSchema;
  private readonly target: TableTarget;
  private readonly call: RepoCall;
  private readonly ctx: WriteContext;
  /** main/secure: the fields this user may read (a root admin too: Enfyra's read stripping does not exempt one). */
  private readonly perms: UserPermissions | null;
  /** main/secure for a user who is not root admin: filters, sorts and writes are checked as well. */
  private readonly checks: UserPermissions | null;

  constructor(target: TableTarget, table: TableSchema, call: RepoCall = TRUSTED_CALL) {
    this.target = target;
    this.table = table;
    this.call = call;
    this.perms = call.enforce ? new UserPermissions(target.schema.fieldPermissions ?? [], call.user) : null;
    const checks = this.perms && !UserPermissions.isRootAdmin(call.user) ? this.perms : null;
    this.checks = checks;
    this.ctx = {
      target,
      warn: (code, message) => call.warn(code, message),
      ...(checks ? { checkNested: (t, action, data) => checks.assertWrite(t, action, data, data) } : {}),
    };
  }

  private get pk(): string {
    return this.table.primaryKey.name;
  }

  async find(opt?: unknown): Promise<FindResult> {
    const o = this.findOptions(opt);
    const q = this.call.query;
    if (this.checks) assertQueryAllowed(this.checks, this.table, q.filter, q.sort);
    const schema = this.target.schema;
    const projection = normalizeProjection(schema, this.table, o.fields || q.fields, 'deep' in o ? o.deep || {} : q.deep || {});
    validateDeep(schema, this.table, projection.deep);
    let fields = projection.fields;
    let deep: Deep = projection.deep;
    let pending = false;
    if (this.perms) {
      const stripped = stripDeniedFields(schema, this.perms, this.table, fields, deep as Record<string, Record<string, unknown>>, this.checks !== null);
      ({ fields, pending } = stripped);
      deep = stripped.deep;
    }
    const result = await this.read(() =>
      executeRead(this.ctx, {
        table: this.table,
        fields,
        deep,
        filter: o.filter ?? q.filter ?? {},
        sort: o.sort || q.sort || this.pk,
        page: q.page || 1,
        limit: 'limit' in o ? o.limit : (q.limit ?? 10),
        meta: o.meta || q.meta,
        aggregate: o.aggregate || q.aggregate,
      }),
    );
    if (!pending || !this.perms) return result;
    return { ...result, data: sanitizeRows(schema, this.perms, this.table, result.data) as Row[] };
  }

  /** `exists(filter)` (or `exists({ filter })`): is there a row? An empty filter is a 400. */
  async exists(filter?: unknown): Promise<boolean> {
    let f = filter;
    if (isPlainObject(f) && Object.keys(f).length === 1 && 'filter' in f) {
      const inner = f.filter;
      const operatorObject = isPlainObject(inner) && Object.keys(inner).length > 0 && Object.keys(inner).every((k) => k.startsWith('_'));
      if (!operatorObject) f = inner;
    }
    if (f === undefined || f === null || !hasNonEmptyFilter(f)) throw new HttpError(400, 'exists requires a non-empty filter');
    const result = await this.find({ filter: f, fields: [this.pk], limit: 1, sort: this.pk });
    return result.data.length > 0;
  }

  async create(opt?: unknown): Promise<FindResult | BatchCreateResult> {
    if (opt === undefined || opt === null) throw new TypeError(`Cannot read properties of ${opt} (reading 'batch')`);
    const { data, fields, batch } = opt as { data?: unknown; fields?: unknown; batch?: unknown };
    this.warnPageFromQuery('create');
    return this.write(async () => {
      if (batch) {
        const rows = Array.isArray(data) ? data : [data];
        if (rows.length === 0) throw new HttpError(400, 'data must contain at least one record');
        const bodies = rows.map((row) => this.createBody(row));
        for (const body of bodies) await insertRecord(this.ctx, this.table, body);
        return { accepted: true as const, batch: true as const, count: bodies.length };
      }
      const id = await insertRecord(this.ctx, this.table, this.createBody(data));
      return this.find({ filter: { [this.pk]: { _eq: id } }, fields });
    });
  }

  async update(opt?: unknown): Promise<FindResult> {
    if (opt === undefined || opt === null) throw new TypeError(`Cannot read properties of ${opt} (reading 'id')`);
    const { id, data, fields } = opt as { id?: unknown; data?: unknown; fields?: unknown };
    this.warnPageFromQuery('update');
    return this.write(async () => {
      let body = data;
      if (isPlainObject(body)) {
        body = Object.fromEntries(Object.entries(body).filter(([key]) => this.table.columns.get(key)?.isUpdatable !== false));
      }
      const existing = await this.existing(id);
      if (body === undefined || body === null) throw new TypeError(`Cannot set properties of ${body} (setting 'id')`);
      if (!isPlainObject(body)) throw new HttpError(400, 'data must be an object');
      this.checks?.assertWrite(this.table, 'update', body, existing);
      await updateRecord(this.ctx, this.table, id, body);
      return this.find({ filter: { [this.pk]: { _eq: id } }, fields });
    });
  }

  async delete(opt?: unknown): Promise<DeleteResult> {
    return this.write(async () => {
      if (opt === undefined || opt === null) throw new TypeError(`Cannot destructure property 'id' of 'opt' as it is ${opt}.`);
      const { id } = opt as { id?: unknown };
      this.warnPageFromQuery('delete');
      await this.existing(id);
      await deleteRecord(this.ctx, this.table, id);
      return { message: 'Delete successfully!' as const, statusCode: 200 as const };
    });
  }

  /** The row a write targets, read as Enfyra reads it (through `find`, with the request's `$query`); a 400 when absent. */
  private async existing(id: unknown): Promise<Row> {
    if (id === undefined || id === null) throw new HttpError(400, `id ${id} is not exists!`);
    const found = await this.find({ filter: { [this.pk]: { _eq: id } } });
    const row = found.data[0];
    if (!row) throw new HttpError(400, `id ${String(id)} is not exists!`);
    return row;
  }

  private createBody(raw: unknown): Record<string, unknown> {
    if (!isPlainObject(raw)) throw new HttpError(400, 'data is required and must be an object');
    const body: Record<string, unknown> = { ...raw };
    this.checks?.assertWrite(this.table, 'create', body, body);
    delete body.id;
    delete body._id;
    return body;
  }

  private findOptions(opt: unknown): Record<string, unknown> {
    if (opt === undefined || opt === null) return {};
    if (!isPlainObject(opt)) throw new HttpError(400, `${this.table.name}.find: options must be an object`);
    if ('where' in opt) {
      this.call.warn(WHERE_IGNORED.code, WHERE_IGNORED.message);
    }
    if ('page' in opt) {
      this.call.warn('repos.page-ignored', 'find({ page }) is ignored by Enfyra: the page always comes from the request ($query.page)');
    }
    for (const key of Object.keys(opt)) {
      if (key !== 'where' && key !== 'page' && !FIND_OPTIONS.has(key)) {
        this.call.warn('repos.unknown-option', `find option "${key}" is not one Enfyra knows (${[...FIND_OPTIONS].join(', ')}); it is ignored`);
      }
    }
    return opt;
  }

  /** create/update/delete read rows through `find`, which takes the page from `$query`: past page 1 they see nothing. */
  private warnPageFromQuery(method: string): void {
    const page = Number.parseInt(String(this.call.query.page ?? ''), 10);
    if (page > 1) {
      this.call.warn(
        'repos.write-on-page',
        `${method} reads its row back through find(), which uses $query.page (${page}): in Enfyra it finds nothing past page 1`,
      );
    }
  }

  /** Reads: database errors carry the driver's message, never the SQL or its values. */
  private async read<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof HttpError || !(err instanceof Error)) throw err;
      const clean = new Error(driverMessage(err));
      clean.name = err.name;
      throw clean;
    }
  }

  /** Writes: anything but an HTTP error is a 400 with the driver's message, as Enfyra's repository answers. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, driverMessage(err));
    }
  }
}

function hasNonEmptyFilter(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(hasNonEmptyFilter);
  if (!isPlainObject(value)) return true;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.some((k) => hasNonEmptyFilter(value[k]));
}

export type { QueryContext };
