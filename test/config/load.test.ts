import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../runtime/config/load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-config-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('config', () => {
  it('defaults apply when there is no config file, paths resolved against the working folder', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'enfyra-noconfig-'));
    const c = loadConfig({ cwd: empty, env: {} });
    expect(c.file).toBeNull();
    expect(c.cache.driver).toBe('sqlite');
    expect(c.cache.sqlitePath).toBe(path.join(empty, '.enfyra/cache.sqlite'));
    expect(c.sandbox).toMatchObject({ memoryLimitMb: 128, cpuTimeoutMs: 1000, maxLogs: 1000 });
  });

  it('relative paths resolve against the config file folder', () => {
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const file = write('sub/custom.json', '{"hooksDir":"my-hooks"}');
    expect(loadConfig({ configPath: file, env: {} }).hooksDir).toBe(path.join(dir, 'sub/my-hooks'));
  });

  it('env overrides: REDIS_URL selects redis, NODE_NAME the namespace, DATABASE_URL the client', () => {
    const file = write('plain.json', '{}');
    const c = loadConfig({
      configPath: file,
      env: { REDIS_URL: 'redis://127.0.0.1:6390', NODE_NAME: 'node-a', DATABASE_URL: 'postgres://u@127.0.0.1/test' },
    });
    expect(c.cache).toMatchObject({ driver: 'redis', namespace: 'node-a', redis: { url: 'redis://127.0.0.1:6390' } });
    expect(c.database).toMatchObject({ client: 'pg', url: 'postgres://u@127.0.0.1/test' });
    expect(loadConfig({ configPath: file, env: { DATABASE_URL: 'mariadb://root@127.0.0.1/test' } }).database.client).toBe('mysql');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{"sandbox": ', /is not valid JSON/],
    ['not an object', '[1,2]', /the top level must be a JSON object/],
    ['a wrong type', '{"sandbox": {"cpuTimeoutMs": "fast"}}', /field "sandbox\.cpuTimeoutMs": .*number/],
    ['a negative limit', '{"sandbox": {"wallTimeoutMs": -1}}', /field "sandbox\.wallTimeoutMs"/],
    ['an unknown driver', '{"cache": {"driver": "memcached"}}', /field "cache\.driver"/],
    ['an unknown key (typo)', '{"sandbox": {"cpuTimeout": 5}}', /field "sandbox".*cpuTimeout/],
  ];
  for (const [label, text, message] of bad) {
    it(`rejects ${label}, naming the field`, () => {
      const file = write(`bad-${label.replace(/\W+/g, '-')}.json`, text);
      expect(() => loadConfig({ configPath: file, env: {} })).toThrow(ConfigError);
      expect(() => loadConfig({ configPath: file, env: {} })).toThrow(message);
    });
  }

  it('a missing explicit config file is an error; a missing default one is not', () => {
    expect(() => loadConfig({ configPath: path.join(dir, 'nope.json'), env: {} })).toThrow(/cannot read config .*nope\.json: ENOENT/);
  });

  it('a config path that is a folder is an error', () => {
    expect(() => loadConfig({ configPath: dir, env: {} })).toThrow(/cannot read config .*EISDIR/);
  });

  it('an unsupported DATABASE_URL scheme is an error', () => {
    expect(() => loadConfig({ configPath: write('p.json', '{}'), env: { DATABASE_URL: 'oracle://x' } })).toThrow(/unsupported scheme "oracle"/);
  });
});

describe('REDIS_URL', () => {
  it('replaces a configured Cluster or Sentinel topology with the one server it names', () => {
    const dir2 = mkdtempSync(path.join(tmpdir(), 'enfyra-config-redis-'));
    const file = path.join(dir2, 'c.json');
    writeFileSync(file, JSON.stringify({ cache: { driver: 'redis', redis: { cluster: [{ host: '127.0.0.1', port: 7000 }] } } }));
    const c = loadConfig({ configPath: file, env: { REDIS_URL: 'redis://127.0.0.1:6390' } });
    expect(c.cache.redis).toMatchObject({ url: 'redis://127.0.0.1:6390' });
    expect(c.cache.redis.cluster).toBeUndefined();
  });
});
