/**
 * Field permissions as `$repos.main` and `$repos.secure.<table>` enforce
 * them for a user who is not root admin (Enfyra: dynamic.repository.ts,
 * field-permission.util.ts, field-permission-condition.util.ts,
 * sanitize-field-permissions.util.ts). A column or relation with
 * `isPublished: false` is hidden unless a rule allows it; rules
 * (`enfyra_field_permission` records) allow or deny one column or relation
 * for a role, for listed users or for everyone, optionally under a
 * condition on the record. Reading drops denied fields; filtering or
 * sorting the request by an unpublished one, or writing a denied one, is a 403.
 */
import { ConfigError } from '../config/load.ts';
import { HttpError } from '../shared/http-errors.ts';
import { isPlainObject } from './row-values.ts';
import type { SeedData } from './seed.ts';
import type { DatabaseSchema, TableSchema } from './schema.ts';

export type FieldAction = 'read' | 'create' | 'update';

export interface FieldPermissionRule {
  readonly id: number;
  readonly isEnabled: boolean;
  readonly action: FieldAction;
  readonly effect: 'allow' | 'deny';
  readonly tableName: string;
  /** null: every role. */
  readonly roleId: string | null;
  /** Non-empty: the rule applies to these users only. */
  readonly allowedUserIds: readonly string[];
  readonly columnName: string | null;
  readonly relationPropertyName: string | null;
  readonly condition: unknown;
}

export interface FieldRef {
  readonly type: 'column' | 'relation';
  readonly name: string;
}

const idString = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') {
    const o = v as { _id?: unknown; id?: unknown };
    const id = o._id ?? o.id;
    return id === undefined || id === null ? null : String(id);
  }
  return String(v);
};

/**
 * Rules from seed records in Enfyra's shapes: `enfyra_field_permission` rows
 * as its API returns them (`column: { name, table: { name } }`,
 * `relation: { propertyName, sourceTable: { name } }`, `role: { id }`,
 * `allowedUsers: [{ id }]`) or as its default-data.json writes them
 * (`_column: { table, name }`, `_role: "Role name" | null`).
 */
export function parseFieldPermissions(raw: unknown, schema: DatabaseSchema, seed: SeedData, label: string): FieldPermissionRule[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${label}: expected an array of field permission records`);
  const roles = seed.rows.get('enfyra_role') ?? [];
  return raw.map((record: unknown, i) => {
    const fail = (message: string): never => {
      throw new ConfigError(`${label}[${i}]: ${message}`);
    };
    if (!isPlainObject(record)) fail('a record must be an object');
    const r = record as Record<string, unknown>;
    const action = r.action ?? 'read';
    if (action !== 'read' && action !== 'create' && action !== 'update') fail(`action must be read, create or update`);
    const effect = r.effect ?? 'allow';
    if (effect !== 'allow' && effect !== 'deny') fail('effect must be allow or deny');

    const subject = subjectOf(r, fail);
    const table = schema.tables.get(subject.tableName) ?? fail(`unknown table "${subject.tableName}"`);
    if (subject.columnName !== null && !table.columns.has(subject.columnName)) fail(`unknown column "${subject.columnName}" in table "${subject.tableName}"`);
    if (subject.relationPropertyName !== null && !table.relations.has(subject.relationPropertyName)) {
      fail(`unknown relation "${subject.relationPropertyName}" in table "${subject.tableName}"`);
    }

    let roleId = idString(r.role) ?? idString(r.roleId);
    if (r._role !== undefined && r._role !== null) {
      const role = roles.find((row) => row.get('name') === r._role) ?? fail(`_role "${String(r._role)}" is not a seeded enfyra_role`);
      roleId = idString(role.get('id'));
    }
    if (r.allowedUsers !== undefined && !Array.isArray(r.allowedUsers)) fail('allowedUsers must be a list of user ids or { id } objects');
    const allowedUserIds = ((r.allowedUsers as unknown[] | undefined) ?? []).map(idString).filter((x): x is string => x !== null);
    if (r.condition !== undefined && r.condition !== null && !isPlainObject(r.condition)) fail('condition must be a filter object or null');
    const rule: FieldPermissionRule = {
      id: typeof r.id === 'number' ? r.id : i + 1,
      isEnabled: !(r.isEnabled === false || r.isEnabled === 0 || r.isEnabled === '0'),
      action: action as FieldAction,
      effect: effect as 'allow' | 'deny',
      ...subject,
      roleId,
      allowedUserIds,
      condition: r.condition ?? null,
    };
    return rule;
  });
}

function subjectOf(r: Record<string, unknown>, fail: (message: string) => never) {
  const name = (v: unknown) => (typeof v === 'string' ? v : isPlainObject(v) && typeof v.name === 'string' ? v.name : null);
  const column = (r._column ?? r.column) as Record<string, unknown> | undefined;
  const relation = (r._relation ?? r.relation) as Record<string, unknown> | undefined;
  if ((column == null) === (relation == null)) fail('give exactly one of column / _column and relation / _relation');
  if (column != null) {
    const tableName = name(column.table);
    if (!tableName || typeof column.name !== 'string') fail('column must be { "table": name, "name": column }');
    return { tableName: tableName!, columnName: column.name as string, relationPropertyName: null };
  }
  const tableName = name(relation!.sourceTable ?? relation!.table);
  if (!tableName || typeof relation!.propertyName !== 'string') fail('relation must be { "sourceTable": name, "propertyName": relation }');
  return { tableName: tableName!, columnName: null, relationPropertyName: relation!.propertyName as string };
}

export function formatPermissionDenied(action: FieldAction | 'filter' | 'sort', table: string, fields: readonly FieldRef[]): string {
  const parts = fields.map((f) => `${f.type} '${f.name}'`).join(', ');
  return `You do not have permission to ${action} ${parts} on table '${table}'.`;
}

/** The field permissions one user has (a root admin bypasses them all). */
export class UserPermissions {
  private readonly rules: readonly FieldPermissionRule[];
  readonly user: unknown;
  private readonly userId: string | null;
  private readonly roleId: string | null;

  constructor(rules: readonly FieldPermissionRule[], user: unknown) {
    this.rules = rules.filter((r) => r.isEnabled);
    this.user = user;
    const anonymous = !user || (user as { isAnonymous?: unknown }).isAnonymous === true;
    this.userId = anonymous ? null : idString(user);
    this.roleId = anonymous ? null : idString((user as { role?: unknown }).role);
  }

  static isRootAdmin(user: unknown): boolean {
    return isPlainObject(user) && user.isRootAdmin === true;
  }

  /** The rules Enfyra's policy cache hands out for this user, table and action (field-permission-cache-builder buckets). */
  private policyRules(table: string, action: FieldAction): FieldPermissionRule[] {
    return this.rules.filter((r) => {
      if (r.tableName !== table || r.action !== action) return false;
      if (r.allowedUserIds.length > 0) return this.userId !== null && r.allowedUserIds.includes(this.userId);
      return r.roleId === null || r.roleId === this.roleId;
    });
  }

  /** Columns and relations a rule allows without a condition. */
  unconditionallyAllowed(table: string, action: FieldAction): Set<string> {
    const out = new Set<string>();
    for (const r of this.policyRules(table, action)) {
      if (r.condition !== null || r.effect !== 'allow') continue;
      out.add(r.columnName ?? r.relationPropertyName!);
    }
    return out;
  }

  hasConditionalRules(table: string, action: FieldAction, field: FieldRef): boolean {
    return this.policyRules(table, action).some((r) => r.condition !== null && matchesSubject(r, field));
  }

  /** Enfyra's decision: rules of the most specific matching tier decide; deny beats allow within a tier. */
  decide(table: string, action: FieldAction, field: FieldRef, record: unknown, defaultAllowed: boolean): boolean {
    const rules = this.policyRules(table, action).filter((r) => matchesSubject(r, field) && this.appliesToUser(r));
    if (rules.length === 0) return defaultAllowed;
    const tiers = new Map<number, FieldPermissionRule[]>();
    for (const r of rules) {
      if (r.condition !== null && !matchCondition(r.condition, record ?? null, this.user)) continue;
      const userSpecific = this.userId !== null && r.allowedUserIds.includes(this.userId);
      const tier = r.condition !== null ? (userSpecific ? 1 : 2) : userSpecific ? 3 : 4;
      tiers.set(tier, [...(tiers.get(tier) ?? []), r]);
    }
    for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
      const tierRules = tiers.get(tier)!;
      if (tierRules.some((r) => r.effect === 'deny')) return false;
      if (tierRules.some((r) => r.effect === 'allow')) return true;
    }
    return defaultAllowed;
  }

  private appliesToUser(r: FieldPermissionRule): boolean {
    if (r.allowedUserIds.length > 0) return this.userId !== null && r.allowedUserIds.includes(this.userId);
    if (r.roleId === null) return true;
    return this.roleId !== null && r.roleId === this.roleId;
  }

  /** Fields a create or update may not write (assertDirectFieldPermission); a 403 names them. */
  assertWrite(table: TableSchema, action: 'create' | 'update', body: Record<string, unknown>, record: unknown): void {
    const denied: FieldRef[] = [];
    for (const key of Object.keys(body)) {
      const column = table.columns.get(key);
      if (column && !(action === 'update' && !column.isUpdatable)) {
        if (!this.decide(table.name, action, { type: 'column', name: key }, record, column.isPublished)) denied.push({ type: 'column', name: key });
      }
      const relation = table.relations.get(key);
      if (relation && !this.decide(table.name, action, { type: 'relation', name: key }, record, relation.isPublished)) {
        denied.push({ type: 'relation', name: key });
      }
    }
    if (denied.length > 0) throw new HttpError(403, formatPermissionDenied(action, table.name, denied));
  }
}

function matchesSubject(r: FieldPermissionRule, field: FieldRef): boolean {
  return field.type === 'column' ? r.columnName === field.name : r.relationPropertyName === field.name;
}

const CONDITION_OPERATORS = new Set(['_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_in', '_not_in', '_nin', '_is_null', '_is_not_null']);

/** A rule's condition against the record (field-permission-condition.util.ts semantics, `@USER` macros included). */
export function matchCondition(condition: unknown, record: unknown, user: unknown): boolean {
  if (!isPlainObject(condition)) return false;
  for (const [key, node] of Object.entries(condition)) {
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(node) || node.length === 0) return false;
      const matches = node.map((c) => matchCondition(c, record, user));
      if (key === '_and' ? !matches.every(Boolean) : !matches.some(Boolean)) return false;
      continue;
    }
    if (key === '_not') {
      if (!isPlainObject(node) || matchCondition(node, record, user)) return false;
      continue;
    }
    if (key.startsWith('_')) return false;
    const actual = pathValue(record, key);
    if (isPlainObject(node) && Object.keys(node).some((k) => CONDITION_OPERATORS.has(k))) {
      if (!matchOperators(node, actual, user)) return false;
      continue;
    }
    if (!isPlainObject(node) || actual === null || actual === undefined || typeof actual !== 'object' || Array.isArray(actual)) return false;
    if (!matchCondition(node, actual, user)) return false;
  }
  return true;
}

function pathValue(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    const o = current as Record<string, unknown>;
    current = part === 'id' ? (o.id ?? o._id) : part === '_id' ? (o._id ?? o.id) : o[part];
  }
  return current;
}

function macro(value: unknown, user: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('@USER')) return value;
  if (value === '@USER' || value === '@USER.id' || value === '@USER._id') return idString(user);
  return pathValue(user, value.slice('@USER.'.length));
}

function comparable(v: unknown): { kind: 'num' | 'str'; value: number | string } | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && !Number.isNaN(v)) return { kind: 'num', value: v };
  if (typeof v === 'boolean') return { kind: 'num', value: v ? 1 : 0 };
  if (typeof v === 'string') {
    if (v.trim() !== '' && Number.isFinite(Number(v))) return { kind: 'num', value: Number(v) };
    const time = Date.parse(v);
    return Number.isFinite(time) ? { kind: 'num', value: time } : { kind: 'str', value: v };
  }
  return { kind: 'str', value: idString(v) ?? '' };
}

const looseEqual = (a: unknown, b: unknown) => (a == null && b == null) || (a != null && b != null && idString(a) === idString(b));

function matchOperators(node: Record<string, unknown>, actual: unknown, user: unknown): boolean {
  for (const [op, raw] of Object.entries(node)) {
    const expected = Array.isArray(raw) ? raw.map((v) => macro(v, user)) : macro(raw, user);
    switch (op) {
      case '_eq':
      case '_neq':
        if (expected === undefined || looseEqual(actual, expected) !== (op === '_eq')) return false;
        break;
      case '_gt':
      case '_gte':
      case '_lt':
      case '_lte': {
        const a = comparable(actual);
        const b = comparable(expected);
        if (!a || !b || a.kind !== b.kind) return false;
        const ok = op === '_gt' ? a.value > b.value : op === '_gte' ? a.value >= b.value : op === '_lt' ? a.value < b.value : a.value <= b.value;
        if (!ok) return false;
        break;
      }
      case '_in':
      case '_not_in':
      case '_nin':
        if (!Array.isArray(expected) || expected.some((e) => looseEqual(actual, e)) !== (op === '_in')) return false;
        break;
      case '_is_null':
      case '_is_not_null': {
        const want = raw === true || raw === 'true';
        const isNull = actual === null || actual === undefined;
        if (want !== (op === '_is_null' ? isNull : !isNull)) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

/** A field `$query.filter` or `$query.sort` names: unpublished and not allowed outright is a 403 (assertQueryAllowed). */
export function assertQueryAllowed(perms: UserPermissions, table: TableSchema, filter: unknown, sort: unknown): void {
  const allowed = perms.unconditionallyAllowed(table.name, 'read');
  const denied: FieldRef[] = [];
  const check = (name: string) => {
    const [first, ...rest] = name.split('.');
    if (rest.length > 0) {
      const relation = table.relations.get(first!);
      if (relation && !relation.isPublished && !allowed.has(first!)) denied.push({ type: 'relation', name: first! });
      return;
    }
    const column = table.columns.get(name);
    if (column && !column.isPublished && !allowed.has(name)) denied.push({ type: 'column', name });
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isPlainObject(node)) return;
    if (Array.isArray(node._and)) node._and.forEach(walk);
    if (Array.isArray(node._or)) node._or.forEach(walk);
    for (const key of Object.keys(node)) if (key !== '_and' && key !== '_or' && key !== '_not') check(key);
  };
  walk(filter);
  const tokens = Array.isArray(sort) ? sort : typeof sort === 'string' ? sort.split(',').map((s) => s.trim()).filter(Boolean) : [];
  for (const token of tokens) {
    const path = String(token).startsWith('-') ? String(token).slice(1) : String(token);
    if (path) check(path);
  }
  if (denied.length > 0) throw new HttpError(403, formatPermissionDenied('filter', table.name, denied));
}

export interface StrippedProjection {
  readonly fields: string[];
  readonly deep: Record<string, Record<string, unknown>>;
  /** Some field depends on a conditional rule: decide per row after reading. */
  readonly pending: boolean;
}

/**
 * stripDeniedFields: the fields (every column and relation when none or `*`
 * is asked for) and `deep` entries the user may read — a root admin too, as
 * in Enfyra; for other users, unpublished fields in `deep` filters and sorts
 * are dropped as well.
 */
export function stripDeniedFields(
  schema: DatabaseSchema,
  perms: UserPermissions,
  table: TableSchema,
  fields: string[] | undefined,
  deep: Record<string, Record<string, unknown>>,
  rewriteDeepQueries: boolean,
): StrippedProjection {
  const wildcard = !fields || fields.length === 0 || fields.includes('*');
  const list = wildcard ? [...table.columns.keys(), ...table.relations.keys()] : [...fields!];
  const firsts = new Set(list.map((f) => f.split('.')[0]!));
  for (const key of Object.keys(deep)) if (table.relations.has(key)) firsts.add(key);
  let pending = false;
  const denied = new Set<string>();
  for (const name of firsts) {
    const column = table.columns.get(name);
    const relation = table.relations.get(name);
    if (!column && !relation) continue;
    if (column?.isPrimary) continue;
    const field: FieldRef = { type: column ? 'column' : 'relation', name };
    const published = column ? column.isPublished : relation!.isPublished;
    if (perms.decide(table.name, 'read', field, null, published)) continue;
    if (!published && perms.hasConditionalRules(table.name, 'read', field)) pending = true;
    else denied.add(name);
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, entry] of Object.entries(deep)) {
    if (denied.has(name)) continue;
    const relation = table.relations.get(name);
    if (!relation || !isPlainObject(entry)) {
      out[name] = entry;
      continue;
    }
    const target = schema.tables.get(relation.targetTable)!;
    const nestedFields = entry.fields === undefined ? undefined : (entry.fields as string[]);
    const nested = stripDeniedFields(schema, perms, target, nestedFields, isPlainObject(entry.deep) ? (entry.deep as Record<string, Record<string, unknown>>) : {}, rewriteDeepQueries);
    if (nested.pending) pending = true;
    out[name] = {
      ...entry,
      ...(entry.fields !== undefined ? { fields: nested.fields } : {}),
      ...(entry.deep !== undefined ? { deep: nested.deep } : {}),
      ...(rewriteDeepQueries && entry.filter !== undefined ? { filter: dropUnpublishedFilter(schema, target, entry.filter) } : {}),
      ...(rewriteDeepQueries && entry.sort !== undefined ? { sort: dropUnpublishedSort(schema, target, entry.sort) } : {}),
    };
  }
  return { fields: list.filter((f) => !denied.has(f.split('.')[0]!)), deep: out, pending };
}

/** rewriteFilterDenyingFields with Enfyra's isPublished check: unpublished fields leave the filter. */
function dropUnpublishedFilter(schema: DatabaseSchema, table: TableSchema, node: unknown): unknown {
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '_and' || key === '_or') {
      const items = (Array.isArray(value) ? value : [value])
        .map((item) => dropUnpublishedFilter(schema, table, item))
        .filter((item) => item != null && (!isPlainObject(item) || Object.keys(item).length > 0));
      if (items.length > 0) out[key] = items;
      continue;
    }
    if (key === '_not') {
      const inner = dropUnpublishedFilter(schema, table, value);
      if (isPlainObject(inner) && Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    const relation = table.relations.get(key);
    if (relation) {
      if (!relation.isPublished) continue;
      const inner = dropUnpublishedFilter(schema, schema.tables.get(relation.targetTable)!, value);
      if (isPlainObject(inner) && Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    if (table.columns.get(key)?.isPublished === false) continue;
    out[key] = value;
  }
  return out;
}

function dropUnpublishedSort(schema: DatabaseSchema, table: TableSchema, sort: unknown): unknown {
  const tokens = Array.isArray(sort) ? sort.map(String) : typeof sort === 'string' ? sort.split(',').map((s) => s.trim()).filter(Boolean) : null;
  if (!tokens) return sort;
  const kept = tokens.filter((token) => {
    const parts = (token.startsWith('-') ? token.slice(1) : token).split('.');
    let current: TableSchema | undefined = table;
    for (const [i, part] of parts.entries()) {
      if (!current) return false;
      if (i === parts.length - 1) {
        const column = current.columns.get(part);
        if (column) return column.isPublished;
        const relation = current.relations.get(part);
        return relation ? relation.isPublished : true;
      }
      const relation = current.relations.get(part);
      if (!relation || !relation.isPublished) return false;
      current = schema.tables.get(relation.targetTable);
    }
    return true;
  });
  if (kept.length === 0) return undefined;
  return Array.isArray(sort) ? kept : kept.join(',');
}

/** sanitizeFieldPermissionsResult: unpublished fields each row's rules do not allow are removed, nested rows too. */
export function sanitizeRows(schema: DatabaseSchema, perms: UserPermissions, table: TableSchema, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => sanitizeRows(schema, perms, table, v));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const column of table.columns.values()) {
    if (!(column.name in out) || column.isPublished) continue;
    if (!perms.decide(table.name, 'read', { type: 'column', name: column.name }, out, false)) delete out[column.name];
  }
  for (const relation of table.relations.values()) {
    if (!(relation.propertyName in out)) continue;
    if (!relation.isPublished && !perms.decide(table.name, 'read', { type: 'relation', name: relation.propertyName }, out, false)) {
      delete out[relation.propertyName];
      continue;
    }
    out[relation.propertyName] = sanitizeRows(schema, perms, schema.tables.get(relation.targetTable)!, out[relation.propertyName]);
  }
  return out;
}
