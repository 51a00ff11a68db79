import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requestFromFlags } from '../../runtime/cli/request-flags.ts';
import { UsageError } from '../../runtime/cli/usage-error.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-flags-'));
writeFileSync(path.join(dir, 'body.json'), '{"name":"from file"}');
writeFileSync(path.join(dir, 'broken.json'), '{"name":');

describe('request flags', () => {
  it('--params accepts repeated key=value pairs and JSON objects, later wins', () => {
    expect(requestFromFlags({ params: ['id=123', 'slug=a=b', '{"id":"9","x":1}'] }).params).toEqual({ id: '9', slug: 'a=b', x: 1 });
  });

  it('values stay strings, as from a URL', () => {
    expect(requestFromFlags({ query: ['page=2'] }).query).toEqual({ page: '2' });
  });

  it('--body and --user take JSON text or @file', () => {
    const r = requestFromFlags({ body: '@body.json', user: '{"id":5}' }, dir);
    expect(r).toEqual({ body: { name: 'from file' }, user: { id: 5 } });
  });

  it('--anonymous makes the user null', () => {
    expect(requestFromFlags({ anonymous: true }).user).toBeNull();
  });

  it('--header and --method, --url, --ip fill the request', () => {
    expect(requestFromFlags({ header: ['X-Api-Key: abc', 'accept:application/json'], method: 'patch', url: '/products/1', ip: '10.1.1.1' }, dir)).toEqual({
      headers: { 'x-api-key': 'abc', accept: 'application/json' },
      method: 'PATCH',
      url: '/products/1',
      ip: '10.1.1.1',
    });
  });

  const bad: Array<[string, Parameters<typeof requestFromFlags>[0], RegExp]> = [
    ['--params without =', { params: ['id'] }, /--params expects key=value or a JSON object \(got "id"\)/],
    ['--params with an empty key', { params: ['=1'] }, /--params expects key=value/],
    ['--params JSON array', { params: ['[1]'] }, /--params expects key=value/],
    ['--params JSON that is not an object', { params: ['{"a":'] }, /--params is not valid JSON/],
    ['--body that is not JSON', { body: '{nope}' }, /--body is not valid JSON/],
    ['--body from a missing file', { body: '@missing.json' }, /--body: cannot read .*missing\.json: ENOENT/],
    ['--body from a broken file', { body: '@broken.json' }, /--body \(.*broken\.json\) is not valid JSON/],
    ['--user that is not JSON', { user: 'admin' }, /--user is not valid JSON/],
    ['--user with --anonymous', { user: '{}', anonymous: true }, /--user and --anonymous cannot be used together/],
    ['--header without a colon', { header: ['X-Thing'] }, /--header expects 'Name: value'/],
    ['--method unknown', { method: 'FETCH' }, /--method must be one of GET, POST/],
    ['--url not a path', { url: 'products' }, /--url must be a path starting with "\/"/],
  ];
  for (const [label, flags, message] of bad) {
    it(`rejects ${label} with a usage error`, () => {
      expect(() => requestFromFlags(flags, dir)).toThrow(UsageError);
      expect(() => requestFromFlags(flags, dir)).toThrow(message);
    });
  }
});
