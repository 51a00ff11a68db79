/**
 * The table route's GET handler (`return await @REPOS.main.find();`) serving
 * the query string, as Enfyra's repository does (PARITY §5: find() falls back
 * to $query for filter, fields, sort, page, limit, meta).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedProject } from '../../runtime/server/served-project.ts';
import { openProject, route, send, serverProject } from './support.ts';

let project: ServedProject;

beforeAll(async () => {
  project = await openProject(serverProject({ 'routes/products.json': route({ path: '/products', publicMethods: ['GET'] }) }));
});

afterAll(() => project?.close());

describe('GET /<table> reads the query string (needs the repos branch)', () => {
  it('limit=2&sort=-id gives the two highest ids (the issue\'s acceptance request)', async () => {
    const r = await send(project, 'GET', '/products?limit=2&sort=-id');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, message: 'Success' });
    expect((r.body as { data: Array<{ id: number }> }).data.map((p) => p.id)).toEqual([15, 14]);
  });

  it('filter (JSON), fields and page come from the query', async () => {
    const r = await send(project, 'GET', `/products?filter=${encodeURIComponent('{"categoryId":{"_eq":2}}')}&fields=id,name&limit=2&page=2&sort=id`);
    expect((r.body as { data: unknown[] }).data).toEqual([
      { id: 8, name: 'Designing Data-Intensive Applications' },
      { id: 13, name: 'Paperback Notebook' },
    ]);
  });

  it('without meta in the query the body has no meta key', async () => {
    const r = await send(project, 'GET', '/products?limit=1');
    expect(r.body).not.toHaveProperty('meta');
  });
});
