import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../runtime/config/load.ts';
import { fixtureRowProblems } from '../../runtime/repos/fixture-rows.ts';
import { loadFixtures, parseSchemaFile, parseSeed } from '../../runtime/repos/fixtures.ts';
import type { DatabaseSchema } from '../../runtime/repos/schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const here = path.dirname(fileURLToPath(import.meta.url));

const parse = (raw: unknown) => parseSchemaFile(raw, 'schema.json');
const id = { name: 'id', type: 'int', isPrimary: true, isGenerated: true };
const table = (name: string, columns: unknown[] = [], relations: unknown[] = [], extra: Record<string, unknown> = {}) => ({
  [name]: { name, columns: [id, ...columns], relations, ...extra },
});

function schemaError(raw: unknown): string {
  try {
    parse(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the schema to be rejected');
}

const blog = parse({
  ...table('users', [{ name: 'name', type: 'varchar', isNullable: false }]),
  ...table('posts', [{ name: 'title', type: 'varchar' }, { name: 'state', type: 'enum', options: ['a', 'b'], defaultValue: 'a' }], [
    { propertyName: 'author', type: 'many-to-one', targetTable: 'users', inversePropertyName: 'posts', isNullable: false },
    { propertyName: 'tags', type: 'many-to-many', targetTable: 'tags', inversePropertyName: 'posts' },
    { propertyName: 'cover', type: 'one-to-one', targetTable: 'images', inversePropertyName: 'post', onDelete: 'cascade' },
    { propertyName: 'related', type: 'many-to-many', targetTable: 'posts' },
  ], { uniques: [['title', 'author']] }),
  ...table('tags', [{ name: 'label', type: 'varchar' }]),
  ...table('images'),
});

describe('schema in Enfyra\'s format', () => {
  it('lists columns as Enfyra\'s metadata does: declared, createdAt, updatedAt, then foreign keys', () => {
    const posts = blog.tables.get('posts')!;
    expect([...posts.columns.keys()]).toEqual(['id', 'title', 'state', 'createdAt', 'updatedAt', 'authorId', 'coverId']);
    expect(posts.columns.get('createdAt')).toMatchObject({ type: 'datetime', managed: 'createdAt', isUpdatable: false });
    expect(posts.columns.get('authorId')).toMatchObject({ type: 'int', relation: 'author', isNullable: false });
    expect(posts.columns.get('state')).toMatchObject({ options: ['a', 'b'], defaultValue: 'a' });
    expect(posts.uniques).toEqual([['title', 'authorId']]);
  });

  it('resolves relations with Enfyra\'s names: <property>Id, <source>_<property>_<target> junctions, generated inverses', () => {
    const posts = blog.tables.get('posts')!;
    const users = blog.tables.get('users')!;
    expect(posts.relations.get('author')).toMatchObject({ foreignKeyColumn: 'authorId', isInverse: false, onDelete: 'RESTRICT' });
    expect(users.relations.get('posts')).toMatchObject({ type: 'one-to-many', targetTable: 'posts', foreignKeyColumn: 'authorId', isInverse: true });
    expect(posts.relations.get('tags')!.junction).toEqual({ table: 'posts_tags_tags', sourceTable: 'posts', targetTable: 'tags', sourceColumn: 'postsId', targetColumn: 'tagsId' });
    expect(blog.tables.get('tags')!.relations.get('posts')!.junction).toEqual({
      table: 'posts_tags_tags', sourceTable: 'tags', targetTable: 'posts', sourceColumn: 'tagsId', targetColumn: 'postsId',
    });
    expect(posts.relations.get('related')!.junction).toMatchObject({ table: 'posts_related_posts', sourceColumn: 'postsId', targetColumn: 'relatedId' });
    expect(posts.relations.get('cover')).toMatchObject({ foreignKeyColumn: 'coverId', onDelete: 'CASCADE', isInverse: false });
    expect(blog.tables.get('images')!.relations.get('post')).toMatchObject({ type: 'one-to-one', isInverse: true, foreignKeyColumn: 'coverId' });
    expect(blog.junctions.map((j) => j.table)).toEqual(['posts_tags_tags', 'posts_related_posts']);
    const long = parse({ ...table('a'.repeat(40), [], [{ propertyName: 'b'.repeat(20), type: 'many-to-many', targetTable: 'c'.repeat(40) }]), ...table('c'.repeat(40)) });
    expect(long.junctions[0]!.table).toMatch(/^j_[0-9a-f]{8}_a{10}_b{10}_c{10}$/);
  });

  it('defaults onDelete to SET NULL, RESTRICT for a required relation; accepts an explicit foreign-key column', () => {
    const schema = parse({
      ...table('a', [{ name: 'parent_ref', type: 'int' }], [
        { propertyName: 'parent', type: 'many-to-one', targetTable: 'a', foreignKeyColumn: 'parent_ref' },
        { propertyName: 'other', type: 'many-to-one', targetTable: 'a' },
      ]),
    });
    const a = schema.tables.get('a')!;
    expect(a.relations.get('parent')).toMatchObject({ foreignKeyColumn: 'parent_ref', onDelete: 'SET NULL' });
    expect(a.columns.get('parent_ref')).toMatchObject({ relation: 'parent' });
    expect(a.relations.get('other')).toMatchObject({ foreignKeyColumn: 'otherId' });
  });

  it.each([
    [{ t: { columns: [{ name: 'x', type: 'int' }] } }, /t: needs a primary key column/],
    [{ t: { columns: [id, { name: 'x', type: 'decimal' }] } }, /t\.columns\.1\.type/],
    [{ t: { columns: [id, { name: 'x-y', type: 'int' }] } }, /t\.columns\.1\.name: must be a letter/],
    [{ t: { name: 'u', columns: [id] } }, /t\.name: "u" differs from the key "t"/],
    [{ 'bad name': { columns: [id] } }, /bad name: a table name must be/],
    [{ t: { columns: [id, { name: 'e', type: 'enum' }] } }, /an enum column needs "options"/],
    [{ t: { columns: [id, { name: 'n', type: 'int', defaultValue: 'x' }] } }, /columns\[1\] \(n\)\.defaultValue: expected an integer/],
    [{ t: { columns: [id, { name: '_and', type: 'int' }] } }, /"_and" is a reserved name/],
    [table('t', [], [{ propertyName: 'x', type: 'many-to-one', targetTable: 'nope' }]), /t\.relations\[0\]\.targetTable: unknown table "nope"/],
    [table('t', [], [{ propertyName: 'x', type: 'one-to-many', targetTable: 't' }]), /needs "inversePropertyName"/],
    [table('t', [{ name: 'x', type: 'int' }], [{ propertyName: 'x', type: 'many-to-one', targetTable: 't' }]), /"x" is already a column or relation/],
    [table('t', [], [{ propertyName: 'x', type: 'many-to-one', targetTable: 't', isNullable: false, onDelete: 'SET NULL' }]), /needs a nullable relation/],
    [table('t', [], [{ propertyName: 'x', type: 'many-to-one', targetTable: 't', onDelete: 'NOPE' }]), /onDelete: must be CASCADE, SET NULL or RESTRICT/],
    [table('t', [], [], { uniques: [['nope']] }), /uniques\[0\]: "nope" is not a column/],
  ])('rejects %j', (raw, message) => {
    expect(schemaError(raw)).toMatch(message);
  });

  it('still reads the format this project used before, converted to Enfyra\'s', () => {
    const legacy = loadFixtures({ schema: path.join(here, 'fixtures/legacy/schema.json'), seed: path.join(here, 'fixtures/legacy/seed.json') });
    const items = legacy.schema.tables.get('items')!;
    expect(items.columns.get('name')).toMatchObject({ type: 'varchar', isNullable: false, isUnique: true });
    expect(items.columns.get('price')).toMatchObject({ type: 'float', defaultValue: 0 });
    expect(items.relations.get('owner')).toMatchObject({ foreignKeyColumn: 'ownerId', onDelete: 'RESTRICT' });
    expect(legacy.schema.tables.get('codes')!.primaryKey).toMatchObject({ name: 'code', type: 'varchar' });
    expect(legacy.seed.rows.get('reviews')!.map((r) => r.get('itemId'))).toEqual([1, 1, 2]);
    expect(schemaError({ tables: { t: { columns: { id: { type: 'nope' } } } } })).toMatch(/tables\.t\.columns\.id: unknown type "nope"/);
  });
});

describe('seed file', () => {
  const seed = (raw: unknown, schema: DatabaseSchema = blog) => parseSeed(raw, schema, 'seed.json', new Date('2024-01-01T00:00:00Z'));
  const seedError = (raw: unknown, schema?: DatabaseSchema) => {
    try {
      seed(raw, schema);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected the seed to be rejected');
  };

  it('sets relations the way create does: ids, { id }, lists of ids on both sides', () => {
    const { seed: data } = seed({
      users: [{ id: 1, name: 'Ann', posts: [2] }, { id: 2, name: 'Ben' }],
      tags: [{ id: 1, label: 'x', posts: [{ id: 1 }] }],
      posts: [{ id: 1, title: 'a', author: { id: 2 }, tags: [1] }, { id: 2, title: 'b', author: 2 }],
    });
    const posts = data.rows.get('posts')!;
    expect(posts.map((r) => r.get('authorId'))).toEqual([2, 1]);
    expect(posts[0]!.get('state')).toBe('a');
    expect(posts[0]!.get('createdAt')).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(data.links.map((l) => [l.junction.sourceColumn, l.sourceId, l.targetId])).toEqual([['tagsId', 1, 1], ['postsId', 1, 1]]);
  });

  it.each([
    [{ nope: [] }, /"nope" is not a table of the schema/],
    [{ users: {} }, /users: expected an array of rows/],
    [{ users: [{ id: 1 }] }, /users\[0\]: missing required field "name"/],
    [{ users: [{ id: 1, name: 'a', bogus: 1 }] }, /"bogus" is not a column or relation of users/],
    [{ users: [{ id: 'x', name: 'a' }] }, /users\[0\]: invalid value for users\.id: expected an integer/],
    [{ users: [{ id: 1, name: 'a', posts: [9] }] }, /users\[0\]\.posts: posts 9 is not a row of the seed/],
    [{ posts: [{ title: 'a', author: 1, tags: [1] }] }, /give the row an explicit id/],
    [{ posts: [{ id: 1, author: 1, tags: [{ label: 'new' }] }] }, /names no row/],
    [{ posts: [{ id: 1, author: 1, state: 'c' }] }, /not one of "a", "b"/],
  ])('rejects %j', (raw, message) => {
    expect(seedError(raw)).toMatch(message);
  });

  it('reads field permission records in Enfyra\'s shapes', () => {
    const schema = parse({ ...table('enfyra_role', [{ name: 'name', type: 'varchar' }]), ...table('t', [{ name: 'secret', type: 'varchar', isPublished: false }], [{ propertyName: 'other', type: 'many-to-one', targetTable: 't' }]) });
    const { schema: withRules } = seed(
      {
        enfyra_role: [{ id: 7, name: 'Editor' }],
        enfyra_field_permission: [
          { _column: { table: 't', name: 'secret' }, _role: 'Editor' },
          { action: 'update', effect: 'deny', relation: { sourceTable: { name: 't' }, propertyName: 'other' }, role: { id: 3 }, allowedUsers: [{ id: 'u1' }], condition: { id: { _eq: '@USER.id' } } },
        ],
      },
      schema,
    );
    expect(withRules.fieldPermissions).toEqual([
      { id: 1, isEnabled: true, action: 'read', effect: 'allow', tableName: 't', columnName: 'secret', relationPropertyName: null, roleId: '7', allowedUserIds: [], condition: null },
      { id: 2, isEnabled: true, action: 'update', effect: 'deny', tableName: 't', columnName: null, relationPropertyName: 'other', roleId: '3', allowedUserIds: ['u1'], condition: { id: { _eq: '@USER.id' } } },
    ]);
    for (const [record, message] of [
      [{ _column: { table: 'nope', name: 'x' } }, /\[0\]: unknown table "nope"/],
      [{ _column: { table: 't', name: 'nope' } }, /unknown column "nope" in table "t"/],
      [{ _column: { table: 't', name: 'secret' }, _role: 'Ghost' }, /_role "Ghost" is not a seeded enfyra_role/],
      [{ _column: { table: 't', name: 'secret' }, action: 'delete' }, /action must be read, create or update/],
      [{}, /give exactly one of column/],
    ] as const) {
      expect(seedError({ enfyra_field_permission: [record] }, schema)).toMatch(message);
    }
  });

  it('reports unreadable and invalid files with their path', () => {
    expect(() => loadFixtures({ schema: '/nonexistent/schema.json', seed: null })).toThrow(/cannot read \/nonexistent\/schema\.json: ENOENT/);
    expect(() => loadFixtures({ schema: path.join(root, 'package.json'), seed: null })).toThrow(ConfigError);
    expect(loadFixtures({ schema: null, seed: '/nonexistent' }).schema.tables.size).toBe(0);
  });
});

describe('fixture rows against the schema', () => {
  it('name an unknown table or an unknown field; relations and foreign-key columns are fields', () => {
    expect(fixtureRowProblems(blog, 'posts', [{ id: 1, title: 'x', author: 1, authorId: 1, tags: [1] }])).toEqual([]);
    expect(fixtureRowProblems(blog, 'nope', [{}])).toEqual(['"nope" is not a table of the schema (tables: users, posts, tags, images)']);
    expect(fixtureRowProblems(blog, 'posts', [{ id: 1 }, { titel: 'x' }])).toEqual(['posts[1]: "titel" is not a column or relation of posts']);
  });
});

describe('default fixtures', () => {
  const fixtures = loadFixtures({ schema: path.join(root, 'fixtures/schema.json'), seed: path.join(root, 'fixtures/seed.json') });

  it('use Enfyra\'s format with every relation type, its user and role tables, and field permissions', () => {
    const types = new Set([...fixtures.schema.tables.values()].flatMap((t) => [...t.relations.values()].map((r) => r.type)));
    expect([...types].sort()).toEqual(['many-to-many', 'many-to-one', 'one-to-many', 'one-to-one']);
    expect(fixtures.schema.tables.get('enfyra_user')!.relations.get('role')).toMatchObject({ targetTable: 'enfyra_role', foreignKeyColumn: 'roleId' });
    expect(fixtures.schema.tables.get('enfyra_user')!.primaryKey.type).toBe('uuid');
    expect(fixtures.seed.rows.get('enfyra_user')!.map((u) => u.get('roleId'))).toEqual([1, 2, 3]);
    expect(fixtures.schema.fieldPermissions!.map((r) => [r.action, r.columnName, r.roleId])).toEqual([['read', 'cost', '2'], ['update', 'price', '3']]);
    expect(fixtures.seed.rows.get('products')!.filter((p) => p.get('isPopular') === true)).toHaveLength(11);
  });
});
