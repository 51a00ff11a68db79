/**
 * Every Lua script the Redis driver runs must be Cluster-safe: it may touch
 * only the keys it declares, all in one slot. Today each declares exactly one
 * key and uses only KEYS[1], so there is nothing to co-locate (no hash tags
 * needed); this test fails if a script ever declares or reads a second key
 * without that being thought through. (redis-cluster-failover.test.ts runs
 * every script on every master of a real Cluster.)
 */
import { describe, expect, it } from 'vitest';
import type { RedisClient } from '../../runtime/cache/drivers/redis-client.ts';
import { defineCacheScripts } from '../../runtime/cache/drivers/redis-scripts.ts';

interface Definition {
  numberOfKeys: number;
  lua: string;
}

function definedScripts(): Map<string, Definition> {
  const scripts = new Map<string, Definition>();
  const fake = { defineCommand: (name: string, definition: Definition) => void scripts.set(name, definition) };
  defineCacheScripts(fake as unknown as RedisClient);
  return scripts;
}

describe('redis Lua scripts', () => {
  const scripts = definedScripts();

  it('are the ones the driver uses', () => {
    expect([...scripts.keys()].sort()).toEqual(['cacheIncrWithTtl', 'cacheRelease', 'cacheSlidingWindow']);
  });

  it.each([...scripts])('%s declares one key and reads only KEYS[1]', (_name, { numberOfKeys, lua }) => {
    expect(numberOfKeys).toBe(1);
    const keyRefs = [...lua.matchAll(/KEYS\s*\[\s*([^\]]+?)\s*\]/g)].map((m) => m[1]);
    expect(keyRefs.length).toBeGreaterThan(0);
    expect(new Set(keyRefs)).toEqual(new Set(['1']));
    // Keys built from arguments would escape the declared slot.
    expect(lua).not.toMatch(/redis\.p?call\(\s*'[A-Z]+'\s*,\s*ARGV/);
  });
});
