/** docs/configuration.md lists every config key as runtime/config/schema.ts defines it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys, PAGE, withReference } from '../../scripts/docs/config-reference.ts';

describe('the configuration reference', () => {
  it('documents every key of the schema', () => {
    expect(configKeys().filter((k) => !k.description).map((k) => k.key), 'add a doc comment above these keys in runtime/config/schema.ts').toEqual([]);
  });

  it('is up to date with the schema (npm run docs:config)', () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(withReference(page)).toBe(page);
  });

  it('walks nested sections and reads defaults from the schema', () => {
    const byKey = new Map(configKeys().map((k) => [k.key, k]));
    expect(byKey.get('cache.redis.commandTimeoutMs')?.defaultValue).toMatch(/^`\d+`$/);
    expect(byKey.get('cache.driver')?.type).toContain('"redis"');
    expect(byKey.has('cache.redis')).toBe(false);
  });
});
