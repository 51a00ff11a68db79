import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../runtime/config/load.ts';
import { loadFixtures, parseSeed } from '../../runtime/repos/fixtures.ts';
import { parseSchema, type DatabaseSchema } from '../../runtime/repos/schema.ts';
import { checkColumnValue } from '../../runtime/repos/values.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const parse = (raw: unknown) => parseSchema(raw, 'schema.json', checkColumnValue);
const table = (columns: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  tables: { t: { columns: { id: { type: 'increments' }, ...columns }, ...extra } },
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

describe('schema file', () => {
  it('builds columns with their defaults', () => {
    const schema = parse(
      table(
        {
          name: { type: 'string', nullable: false, unique: true },
          price: { type: 'decimal' },
          flag: { type: 'boolean', default: false },
          seen: { type: 'datetime', default: 'now' },
        },
        { timestamps: true },
      ),
    );
    const t = schema.tables.get('t')!;
    expect([...t.columns.keys()]).toEqual(['id', 'name', 'price', 'flag', 'seen', 'createdAt', 'updatedAt']);
    expect(t.primaryKey.name).toBe('id');
    expect(t.columns.get('name')).toMatchObject({ type: 'string', length: 255, nullable: false, unique: true });
    expect(t.columns.get('price')).toMatchObject({ precision: 12, scale: 2, nullable: true });
    expect(t.columns.get('flag')!.default).toBe(false);
    expect(t.columns.get('createdAt')).toMatchObject({ type: 'datetime', nullable: false, managed: 'createdAt' });
  });

  it('orders tables so referenced ones come first', () => {
    const schema = parse({
      tables: {
        child: { columns: { id: { type: 'increments' }, parentId: { type: 'integer', references: { table: 'parent' } } } },
        parent: { columns: { id: { type: 'increments' } } },
      },
    });
    expect([...schema.tables.keys()]).toEqual(['parent', 'child']);
    expect(schema.tables.get('child')!.columns.get('parentId')!.references).toEqual({ table: 'parent', onDelete: 'restrict' });
  });

  it.each([
    [{ tables: { t: { columns: { id: { type: 'uuid' } } } } }, /tables\.t\.columns\.id/],
    [{ tables: { 't-1': { columns: { id: { type: 'increments' } } } } }, /must be a letter/],
    [table({ 'bad name': { type: 'string' } }), /must be a letter/],
    [table({ x: { type: 'string', size: 3 } }), /size/],
    [{ tables: { t: { columns: { a: { type: 'string' } } } } }, /needs a primary key/],
    [table({ code: { type: 'string', primary: true } }), /2 primary keys/],
    [table({ x: { type: 'integer', default: 'many' } }), /default: expected an integer/],
    [table({ x: { type: 'datetime', default: 'tomorrow' } }), /default: expected an ISO 8601/],
    [table({ x: { type: 'string', default: null } }), /nullable/],
    [table({ x: { type: 'text', unique: true } }), /cannot be unique/],
    [table({ x: { type: 'integer', references: { table: 'nope' } } }), /unknown table "nope"/],
    [table({ x: { type: 'integer', nullable: false, references: { table: 't', onDelete: 'set null' } } }), /nullable column/],
    [table({ createdAt: { type: 'datetime' } }, { timestamps: true }), /adds createdAt/],
    [table({ _or: { type: 'string' } }), /reserved/],
    [table({ x: { type: 'decimal', precision: 4, scale: 6 } }), /scale must not exceed precision/],
    [{ tables: {}, extra: 1 }, /extra/],
  ])('rejects %j', (raw, message) => {
    expect(schemaError(raw)).toMatch(message);
  });

  it('rejects reference cycles', () => {
    const raw = {
      tables: {
        a: { columns: { id: { type: 'increments' }, bId: { type: 'integer', references: { table: 'b' } } } },
        b: { columns: { id: { type: 'increments' }, aId: { type: 'integer', references: { table: 'a' } } } },
      },
    };
    expect(schemaError(raw)).toMatch(/cycle/);
  });
});

describe('seed file', () => {
  const schema: DatabaseSchema = parse(table({ name: { type: 'string', nullable: false }, n: { type: 'integer', default: 7 } }));

  it('validates rows like create does and fills defaults', () => {
    const seed = parseSeed({ t: [{ id: 1, name: 'a' }] }, schema, 'seed.json');
    expect(Object.fromEntries(seed.get('t')![0]!)).toEqual({ id: 1, name: 'a', n: 7 });
  });

  it.each([
    [{ nope: [] }, /"nope" is not a table/],
    [{ t: {} }, /expected an array/],
    [{ t: [{ id: 1 }] }, /t\[0\]: t: missing required field "name"/],
    [{ t: [{ name: 'a' }, { name: 'b', extra: 1 }] }, /t\[1\]: unknown column "extra"/],
    [{ t: [{ name: 'a', n: 'x' }] }, /t\[0\]: invalid value for t.n/],
    [[], /top level/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseSeed(raw, schema, 'seed.json')).toThrow(ConfigError);
    expect(() => parseSeed(raw, schema, 'seed.json')).toThrow(message);
  });

  it('reports unreadable and invalid files with their path', () => {
    expect(() => loadFixtures({ schema: '/nonexistent/schema.json', seed: '/nonexistent/seed.json' })).toThrow(
      /cannot read \/nonexistent\/schema.json: ENOENT/,
    );
    expect(() => loadFixtures({ schema: path.join(root, 'package.json'), seed: '' })).toThrow(/package\.json: tables: /);
  });
});

describe('default fixtures', () => {
  const fixtures = loadFixtures({ schema: path.join(root, 'fixtures/schema.json'), seed: path.join(root, 'fixtures/seed.json') });

  it('define the tables the documented patterns use', () => {
    expect([...fixtures.schema.tables.keys()].sort()).toEqual(
      ['categories', 'configurations', 'products', 'records', 'user_definition'].sort(),
    );
    const users = fixtures.seed.get('user_definition')!;
    expect(users.map((u) => u.get('id'))).toEqual([1, 2, 3, 4, 5]);
    const products = fixtures.seed.get('products')!;
    expect(products.filter((p) => p.get('isPopular') === true).length).toBeGreaterThan(10);
    expect(fixtures.seed.get('configurations')!.filter((c) => c.get('isActive') === true)).toHaveLength(1);
    expect(fixtures.seed.get('records')!.length).toBeGreaterThan(0);
  });
});
