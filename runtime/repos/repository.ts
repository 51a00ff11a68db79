/**
 * One table's repository: the `find / create / update / delete` behind
 * `$ctx.$repos.<table>` (DESIGN §3). Options arrive as JSON values from a
 * script and are validated before any SQL is built.
 */
import { HttpError } from '../shared/http-errors.ts';
import { translateDbError } from './db-errors.ts';
import { encodeRow, syncSequence, type TableTarget } from './ddl.ts';
import { compileFilter } from './filter.ts';
import { optionsObject, parseFields, parseFind } from './find-options.ts';
import { prepareInsert, prepareUpdate } from './row-write.ts';
import type { DbValue } from './dialect.ts';
import type { ColumnSchema, TableSchema } from './schema.ts';
import { InvalidValue, toColumnValue } from './values.ts';

export type Row = Record<string, unknown>;

export interface FindResult {
  data: Row[];
  meta: { totalCount?: number; filterCount?: number };
}

export interface DeleteResult {
  message: 'Delete successfully!';
  statusCode: 200;
}

export class Repository {
  private readonly physical: string;

  private readonly target: TableTarget;
  readonly table: TableSchema;

  constructor(
    target: TableTarget,
    table: TableSchema,
  ) {
    this.target = target;
    this.table = table;
    this.physical = target.physical(table.name);
  }

  async find(options?: unknown): Promise<FindResult> {
    const query = parseFind(this.table, options);
    const { knex, dialect } = this.target;
    const where = compileFilter(this.table, dialect, query.filter);
    const select = knex(this.physical)
      .select(query.columns.map((c) => c.name))
      .whereRaw(where.sql, [...where.bindings]);
    for (const { column, direction } of query.sort) {
      select.orderByRaw(`${dialect.ordered(column)} ${direction}${dialect.nullsOrder(direction)}`, [column.name]);
    }
    if (query.limit > 0) select.limit(query.limit).offset(query.offset);

    const meta: FindResult['meta'] = {};
    const [rows] = await Promise.all([
      select as Promise<Row[]>,
      query.meta.has('totalCount') && this.count().then((n) => (meta.totalCount = n)),
      query.meta.has('filterCount') && this.count(where.sql, where.bindings).then((n) => (meta.filterCount = n)),
    ]);
    return { data: rows.map((row) => this.decode(row, query.columns)), meta };
  }

  async create(options: unknown): Promise<FindResult> {
    const o = optionsObject(this.table, 'create', options, ['data', 'fields']);
    const columns = parseFields(this.table, o.fields);
    const row = prepareInsert(this.table, o.data, new Date());
    const pk = this.table.primaryKey;
    const { knex, dialect } = this.target;
    try {
      const values = encodeRow(dialect, this.table, row);
      let id = row.get(pk.name);
      if (dialect.client === 'mysql') {
        const [insertId] = (await knex(this.physical).insert(values)) as number[];
        id ??= insertId;
      } else {
        const [returned] = (await knex(this.physical).insert(values).returning([pk.name])) as Row[];
        id ??= dialect.fromDb(pk, returned![pk.name]);
      }
      if (row.has(pk.name)) await syncSequence(this.target, this.table);
      return { data: [await this.findById(id, columns)], meta: {} };
    } catch (err) {
      throw translateDbError(err, this.table, this.physical, 'create');
    }
  }

  async update(options: unknown): Promise<FindResult> {
    const o = optionsObject(this.table, 'update', options, ['id', 'data', 'fields']);
    const columns = parseFields(this.table, o.fields);
    const id = this.primaryKeyValue(o.id, 'update');
    const changes = prepareUpdate(this.table, o.data, id, new Date());
    const { knex, dialect } = this.target;
    const pk = this.table.primaryKey.name;
    try {
      const found = await knex.transaction(async (trx) => {
        const key = dialect.toDb(this.table.primaryKey, id);
        const exists = await trx(this.physical).select(pk).where(pk, key).first();
        if (!exists) return false;
        if (changes.size > 0) await trx(this.physical).where(pk, key).update(encodeRow(dialect, this.table, changes));
        return true;
      });
      if (!found) throw this.notFound(o.id);
      return { data: [await this.findById(id, columns)], meta: {} };
    } catch (err) {
      throw translateDbError(err, this.table, this.physical, 'update');
    }
  }

  async delete(options: unknown): Promise<DeleteResult> {
    const o = optionsObject(this.table, 'delete', options, ['id']);
    const id = this.primaryKeyValue(o.id, 'delete');
    const pk = this.table.primaryKey;
    try {
      const deleted = await this.target.knex(this.physical).where(pk.name, this.target.dialect.toDb(pk, id)).del();
      if (deleted === 0) throw this.notFound(o.id);
      return { message: 'Delete successfully!', statusCode: 200 };
    } catch (err) {
      throw translateDbError(err, this.table, this.physical, 'delete');
    }
  }

  /** The canonical key for an id from a script; an id that cannot be a key of this table matches nothing (404). */
  private primaryKeyValue(id: unknown, method: string): unknown {
    if (id === undefined || id === null || id === '') {
      throw new HttpError(400, `${this.table.name}.${method}: "id" is required`);
    }
    try {
      return toColumnValue(this.table.primaryKey, id);
    } catch (err) {
      if (err instanceof InvalidValue) throw this.notFound(id);
      throw err;
    }
  }

  private notFound(id: unknown): HttpError {
    return new HttpError(404, `${this.table.name}: no row with ${this.table.primaryKey.name} ${JSON.stringify(id)}`);
  }

  private async findById(id: unknown, columns: readonly ColumnSchema[]): Promise<Row> {
    const pk = this.table.primaryKey;
    const row = (await this.target
      .knex(this.physical)
      .select(columns.map((c) => c.name))
      .where(pk.name, this.target.dialect.toDb(pk, id))
      .first()) as Row | undefined;
    if (!row) throw this.notFound(id);
    return this.decode(row, columns);
  }

  private async count(sql = '1 = 1', bindings: readonly DbValue[] = []): Promise<number> {
    const [row] = (await this.target.knex(this.physical).whereRaw(sql, [...bindings]).count({ n: '*' })) as Row[];
    return Number(row!.n);
  }

  private decode(row: Row, columns: readonly ColumnSchema[]): Row {
    const out: Row = {};
    for (const column of columns) out[column.name] = this.target.dialect.fromDb(column, row[column.name]);
    return out;
  }
}
