/** Fixture requests go through the same request builder as the CLI: params are strings, the query is Enfyra's. */
import { describe, expect, it } from 'vitest';
import { bareProject, replayIn } from './support.ts';

describe('fixture requests', () => {
  it('numbers in "params" arrive as strings, and "query" as Enfyra parses a URL', async () => {
    const dir = bareProject({
      'hooks/types.ts': 'const id: string = @PARAMS.id;\nreturn { id, type: typeof id, page: @QUERY.page, filter: @QUERY.filter, path: @REQ.path };',
      'fixtures/requests/types.json': {
        hook: 'hooks/types.ts',
        request: { params: { id: 3 }, query: { page: 2, filter: { id: { _eq: 3 } } }, url: '/items/3' },
        expect: { statusCode: 200, data: { id: '3', type: 'string', page: '2', filter: { id: { _eq: 3 } }, path: '/items/3' } },
      },
    });
    const outcome = await replayIn(dir);
    expect(outcome.results.map((r) => [r.status, r.steps.flatMap((s) => s.status)])).toEqual([['passed', ['passed']]]);
  });

  it('a fixture whose expectation is wrong fails (the check above can fail)', async () => {
    const dir = bareProject({
      'hooks/types.js': 'return typeof $ctx.$params.id;',
      'fixtures/requests/types.json': { hook: 'hooks/types.js', request: { params: { id: 3 } }, expect: { data: 'number' } },
    });
    expect((await replayIn(dir)).results[0]!.status).toBe('failed');
  });
});
