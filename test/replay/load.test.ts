import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../runtime/replay/load.ts';
import { loadFixtures } from '../../runtime/repos/fixtures.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { bareProject, writeFiles } from './support.ts';

const dir = bareProject({ 'hooks/ok.js': 'return 1;' });
const { schema } = loadFixtures({ schema: path.join(PROJECT_ROOT, 'fixtures/schema.json'), seed: null });
const tables = { schema };

function load(content: unknown) {
  const name = `f${Math.random().toString(36).slice(2)}.json`;
  writeFiles(dir, { [name]: content });
  return loadFixture(name, { cwd: dir, root: dir, tables });
}

function invalid(content: unknown): { field: string | null; message: string } {
  const result = load(content);
  if (result.ok) throw new Error('expected an invalid fixture');
  return { field: result.invalid.field, message: result.invalid.message };
}

describe('loading fixture files', () => {
  it('a one-request fixture becomes one step with the fixed $env and merged request', () => {
    const result = load({ hook: 'hooks/ok.js', request: { params: { id: '1' } }, expect: { statusCode: 200 } });
    if (!result.ok) throw new Error(result.invalid.message);
    const [step] = result.fixture.steps;
    expect(step).toMatchObject({ kind: 'request', label: 'request', request: { params: { id: '1' }, env: {} }, expectPath: ['expect'] });
    expect(step?.kind === 'request' && step.targets.handler).toBe(path.join(dir, 'hooks/ok.js'));
  });

  it('sequences: step requests merge over the top-level one; advance and state steps', () => {
    const result = load({
      hook: 'hooks/ok.js',
      env: { MODE: 'test' },
      request: { method: 'POST', params: { id: '1' } },
      steps: [
        { name: 'first', request: { params: { id: '2' } }, expect: {} },
        { advance: '1h30m' },
        { state: { cache: { k: { value: 1, ttl: 5 } } } },
      ],
    });
    if (!result.ok) throw new Error(result.invalid.message);
    expect(result.fixture.steps).toMatchObject([
      { kind: 'request', label: 'step 1 "first"', request: { method: 'POST', params: { id: '2' }, env: { MODE: 'test' } } },
      { kind: 'advance', label: 'step 2', ms: 5_400_000 },
      { kind: 'state', label: 'step 3' },
    ]);
  });

  it.each([
    ['bad JSON', '{ "hook": "hooks/ok.js",\n  "expect": { } ,, }', null, /not valid JSON.*line 2/],
    ['unknown hook', { hook: 'hooks/nope.js', expect: {} }, 'hook', /hook file not found: hooks\/nope\.js/],
    ['unknown hook in a step', { steps: [{ hook: 'hooks/ok.js', expect: {} }, { hook: 'x.js', expect: {} }] }, 'hook in step 2', /not found/],
    ['no hook at all', { steps: [{ expect: {} }] }, 'hook in step 1', /required: the hook/],
    ['missing expect', { hook: 'hooks/ok.js', request: {} }, 'expect', /required/],
    ['missing expect in a step', { hook: 'hooks/ok.js', steps: [{ request: {} }] }, 'expect in step 1', /expected object/],
    ['wrong type', { hook: 'hooks/ok.js', steps: [{ expect: { statusCode: '200' } }] }, 'expect.statusCode in step 1', /expected number/],
    ['misspelt field', { hook: 'hooks/ok.js', expect: { statuscode: 200 } }, 'expect.statuscode', /unknown field/],
    ['both expect and steps', { hook: 'hooks/ok.js', expect: {}, steps: [{ expect: {} }] }, 'steps', /either/],
    ['bad duration', { hook: 'hooks/ok.js', steps: [{ advance: 'soon' }] }, 'advance in step 1', /duration/],
    ['cache entry without value', { hook: 'hooks/ok.js', state: { cache: { k: { ttl: 5 } } }, expect: {} }, 'state.cache.k.value', /required/],
    ['unknown table', { hook: 'hooks/ok.js', expect: { tables: { nope: { '1': {} } } } }, 'expect.tables.nope', /unknown table "nope"/],
    ['unknown main table', { hook: 'hooks/ok.js', table: 'nope', expect: {} }, 'table', /unknown table "nope" \(tables: .*products/],
    ['unknown main table in a step', { hook: 'hooks/ok.js', steps: [{ expect: {} }, { table: 'prods', expect: {} }] }, 'table in step 2', /unknown table "prods"/],
    ['unknown table in state', { hook: 'hooks/ok.js', state: { tables: { nope: [{ id: 1 }] } }, expect: {} }, 'state.tables.nope', /unknown table "nope"/],
    ['unknown column in state', { hook: 'hooks/ok.js', state: { tables: { products: [{ id: 1, nme: 'x' }] } }, expect: {} }, 'state.tables.products[0].nme', /unknown column "nme" of table "products" \(columns: id, /],
    ['a value its column cannot hold, in a state step', { hook: 'hooks/ok.js', steps: [{ state: { tables: { products: [{ id: 'x' }] } } }] }, 'state.tables.products[0].id in step 1', /not a value for products\.id/],
    ['unknown column in expected rows', { hook: 'hooks/ok.js', expect: { tables: { products: { '1': { nme: 'x' } } } } }, 'expect.tables.products["1"].nme', /unknown column "nme"/],
    ['bad matcher', { hook: 'hooks/ok.js', expect: { data: { a: { $regex: '(' } } } }, 'expect.data.a', /\$regex/],
    ['not an object', [1, 2], '(top level)', /expected object/],
  ])('%s is invalid, naming the field', (_name, content, field, message) => {
    const problem = invalid(content);
    expect(problem.field).toBe(field);
    expect(problem.message).toMatch(message);
  });
});
