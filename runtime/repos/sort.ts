/**
 * `sort: 'name,-price'`, `['-author.name']`: ORDER BY terms for a table
 * named `alias` in the query. A path through many-to-one (or owning
 * one-to-one) relations sorts by the related row's column, as Enfyra's
 * planner does with a correlated subquery; a path through a to-many
 * relation is skipped, as Enfyra skips it (warned). Names are checked
 * against the schema (Enfyra leaves an unknown column to the database,
 * which fails the query); the primary key breaks ties, so pages are stable
 * on every database.
 */
import { HttpError } from '../shared/http-errors.ts';
import type { DbValue } from './dialect.ts';
import type { QueryContext } from './filter.ts';
import { fieldList } from './projection.ts';
import { isOwner, type TableSchema } from './schema.ts';

export interface OrderTerm {
  readonly sql: string;
  readonly bindings: readonly DbValue[];
}

export function orderTerms(ctx: QueryContext, table: TableSchema, alias: string, sort: unknown): OrderTerm[] {
  const { dialect, schema, physical } = ctx.target;
  const terms: OrderTerm[] = [];
  let hasKey = false;
  for (const token of fieldList(sort) ?? []) {
    const descending = token.startsWith('-');
    const path = descending ? token.slice(1).trim() : token;
    const direction = descending ? 'desc' : 'asc';
    const suffix = ` ${direction}${dialect.nullsOrder(direction)}`;
    const parts = path.split('.');
    if (parts.length === 1) {
      const column = table.columns.get(path);
      if (!column) throw new HttpError(400, `unknown sort field "${path}" in table "${table.name}"`);
      if (column === table.primaryKey) hasKey = true;
      terms.push({ sql: dialect.ordered(column) + suffix, bindings: [`${alias}.${column.name}`] });
      continue;
    }
    // A relation path: walk owning relations to the column, inside one correlated subquery.
    let current = table;
    let from = '';
    const bindings: DbValue[] = [];
    let previous = alias;
    let skipped = false;
    for (const [i, part] of parts.slice(0, -1).entries()) {
      const relation = current.relations.get(part);
      if (!relation) throw new HttpError(400, `unknown sort field "${path}" in table "${table.name}": "${part}" is not a relation of "${current.name}"`);
      if (!isOwner(relation)) {
        ctx.warn('repos.sort-ignored', `sort "${token}" goes through the ${relation.type} relation "${part}": Enfyra ignores it`);
        skipped = true;
        break;
      }
      const target = schema.tables.get(relation.targetTable)!;
      const s = `s${i + 1}`;
      if (i === 0) {
        from = ' from ?? as ??';
        bindings.push(physical(target.name), s);
      } else {
        from += ' join ?? as ?? on ?? = ??';
        bindings.push(physical(target.name), s, `${s}.${target.primaryKey.name}`, `${previous}.${relation.foreignKeyColumn}`);
      }
      previous = s;
      current = target;
    }
    if (skipped) continue;
    const column = current.columns.get(parts[parts.length - 1]!);
    if (!column) throw new HttpError(400, `unknown sort field "${path}" in table "${table.name}"`);
    const first = table.relations.get(parts[0]!)!;
    const firstTarget = schema.tables.get(first.targetTable)!;
    const select = dialect.ordered(column);
    terms.push({
      sql: `(select ${select}${from} where ?? = ??)${suffix}`,
      bindings: [`${previous}.${column.name}`, ...bindings, `s1.${firstTarget.primaryKey.name}`, `${alias}.${first.foreignKeyColumn}`],
    });
  }
  if (!hasKey) {
    terms.push({ sql: `?? asc${dialect.nullsOrder('asc')}`, bindings: [`${alias}.${table.primaryKey.name}`] });
  }
  return terms;
}
