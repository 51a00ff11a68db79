/**
 * Row 8: `$repos` reading 100 products with two relations and a nested one
 * (category, reviews, reviews.author) — one query per relation level — vs
 * one hand-written LEFT JOIN of the same four tables, grouped into the same
 * nested rows in JS. Both on one private in-memory SQLite copy of the
 * default fixtures plus 100 bulk products with two reviews each; the
 * repository is called on the host (no sandbox), so the row measures the
 * query engine alone.
 */
import path from 'node:path';
import { interleaved } from '../lib/interleave.ts';
import { asLatency, type RowOptions, type RowResult } from '../lib/report.ts';
import { fromDist, ROOT } from '../lib/project.ts';

const FIELDS = 'id,name,category.name,reviews.rating,reviews.author.name';

/** A row of the hand-written JOIN. */
interface JoinedRow {
  id: number;
  name: string;
  cid: number | null;
  cname: string | null;
  rid: number | null;
  rating: number | null;
  uid: number | null;
  uname: string | null;
}

interface Product {
  id: number;
  name: string;
  category: { name: string | null; id: number } | null;
  reviews: Array<{ rating: number | null; id: number; author: { name: string | null; id: number } | null }>;
}

const twoReviews = (product: unknown): boolean =>
  typeof product === 'object' && product !== null && 'reviews' in product && Array.isArray(product.reviews) && product.reviews.length === 2;

export async function relationsRow({ quick }: RowOptions): Promise<RowResult> {
  const { loadFixtures } = await fromDist('repos/fixtures.js');
  const { createSqliteTemplate } = await fromDist('repos/sqlite-image.js');
  const fixtures = loadFixtures({ schema: path.join(ROOT, 'fixtures/schema.json'), seed: path.join(ROOT, 'fixtures/seed.json') });
  const db = (await createSqliteTemplate(fixtures)).open();
  try {
    await db.knex('products').insert(
      Array.from({ length: 100 }, (_, i) => ({ name: `bulk ${i}`, slug: `bulk-${i}`, price: i, stock: 0, isPopular: 0, isActive: 1, categoryId: (i % 4) + 1 })),
    );
    const bulk = await db.knex('products').select('id').where('slug', 'like', 'bulk-%');
    await db.knex('reviews').insert(bulk.flatMap(({ id }, i) => [
      { productId: id, rating: (i % 5) + 1, authorId: (i % 5) + 1 },
      { productId: id, rating: 5, authorId: null },
    ]));
    const products = db.repository('products');
    const ours = async () => {
      const result = await products.find({ fields: FIELDS, filter: { slug: { _starts_with: 'bulk-' } }, limit: 100 });
      if (result.data.length !== 100 || !twoReviews(result.data[0])) throw new Error('unexpected result');
    };
    const baseline = async () => {
      const flat: JoinedRow[] = await db.knex.raw(
        `select p.id, p.name, c.id as cid, c.name as cname, r.id as rid, r.rating, u.id as uid, u.name as uname
           from products p
           left join categories c on c.id = p.categoryId
           left join reviews r on r.productId = p.id
           left join user_definition u on u.id = r.authorId
          where p.id in (select id from products where slug like 'bulk-%' order by id limit 100)
          order by p.id, r.id`,
      );
      const byId = new Map<number, Product>();
      for (const row of flat) {
        let product = byId.get(row.id);
        if (!product) {
          product = { id: row.id, name: row.name, category: row.cid === null ? null : { name: row.cname, id: row.cid }, reviews: [] };
          byId.set(row.id, product);
        }
        if (row.rid !== null) product.reviews.push({ rating: row.rating, id: row.rid, author: row.uid === null ? null : { name: row.uname, id: row.uid } });
      }
      const data = [...byId.values()];
      if (data.length !== 100 || data[0].reviews.length !== 2) throw new Error('unexpected result');
    };
    const result = await interleaved({ rounds: quick ? 2 : 6, time: quick ? 200 : 500, iterations: 5, ours, baseline });
    return {
      id: 'relations',
      label: '$repos find: 100 rows, 2 relations + 1 nested vs one hand-written JOIN',
      unit: 'ms/find',
      target: null,
      note: 'host-side repository (4 queries: rows, category, reviews, reviews.author) vs one LEFT JOIN grouped in JS; in-memory SQLite',
      ...asLatency(result, 1),
    };
  } finally {
    await db.close();
  }
}
