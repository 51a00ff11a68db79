/** Where the config comes from when no --config is given: the working folder, then the folders above it. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfig, loadConfig } from '../../runtime/config/load.ts';
import { tempFolder } from '../support/cli.ts';


describe('finding enfyra.config.json', () => {
  it('is found in a parent folder; its paths resolve against its own folder', () => {
    const dir = tempFolder({ 'enfyra.config.json': '{"fixturesDir": "fx"}', 'hooks/deep/x.js': '' });
    const c = loadConfig({ cwd: path.join(dir, 'hooks/deep'), env: {} });
    expect(c.file).toBe(path.join(dir, 'enfyra.config.json'));
    expect(c.root).toBe(dir);
    expect(c.fixturesDir).toBe(path.join(dir, 'fx'));
    expect(c.database.schema).toBe(path.join(dir, 'fixtures/schema.json'));
  });

  it('the nearest one wins', () => {
    const dir = tempFolder({ 'enfyra.config.json': '{"hooksDir": "outer"}', 'sub/enfyra.config.json': '{"hooksDir": "inner"}', 'sub/a/.keep': '' });
    expect(loadConfig({ cwd: path.join(dir, 'sub/a'), env: {} }).hooksDir).toBe(path.join(dir, 'sub/inner'));
  });

  it('stops at the project top folder (package.json or .git): a config above it is not used, and the defaults resolve against that folder', () => {
    for (const marker of ['package.json', '.git/HEAD']) {
      const dir = tempFolder({ 'enfyra.config.json': '{"hooksDir": "outside"}', [`project/${marker}`]: '{}', 'project/hooks/x.js': '' });
      const found = findConfig(path.join(dir, 'project/hooks'));
      expect(found).toEqual({ file: null, root: path.join(dir, 'project') });
      const c = loadConfig({ cwd: path.join(dir, 'project/hooks'), env: {} });
      expect(c.file).toBeNull();
      expect(c.hooksDir).toBe(path.join(dir, 'project/hooks'));
    }
  });

  it('a config beside package.json is still found (the top folder is searched before the search stops)', () => {
    const dir = tempFolder({ 'package.json': '{}', 'enfyra.config.json': '{}', 'hooks/x.js': '' });
    expect(findConfig(path.join(dir, 'hooks')).file).toBe(path.join(dir, 'enfyra.config.json'));
  });

  it('no config and no project folder anywhere up to the filesystem root: defaults relative to the working folder', () => {
    const dir = tempFolder({ 'hooks/x.js': '' });
    expect(findConfig(dir)).toEqual({ file: null, root: dir });
  });

  it('a found config that is broken is an error naming it (it is never skipped for one further up)', () => {
    const dir = tempFolder({ 'enfyra.config.json': '{}', 'sub/enfyra.config.json': '{ nope' });
    expect(() => loadConfig({ cwd: path.join(dir, 'sub'), env: {} })).toThrow(/config .*sub\/enfyra\.config\.json is not valid JSON/);
  });

  it('database.schema and database.seed may be null (no database)', () => {
    const dir = tempFolder({ 'enfyra.config.json': '{"database": {"schema": null, "seed": null}}' });
    const c = loadConfig({ cwd: dir, env: {} });
    expect(c.database).toMatchObject({ schema: null, seed: null });
  });

  it('compat.strict defaults to false; anything but a boolean is refused, naming the field', () => {
    const dir = tempFolder({ 'enfyra.config.json': '{}', 'bad/enfyra.config.json': '{"compat": {"strict": "yes"}}', 'typo/enfyra.config.json': '{"compat": {"strikt": true}}' });
    expect(loadConfig({ cwd: dir, env: {} }).compat).toEqual({ strict: false });
    expect(() => loadConfig({ cwd: path.join(dir, 'bad'), env: {} })).toThrow(/field "compat\.strict": .*boolean/);
    expect(() => loadConfig({ cwd: path.join(dir, 'typo'), env: {} })).toThrow(/field "compat".*strikt/);
  });
});
