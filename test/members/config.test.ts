/** The members' config keys: defaults, paths resolved against the config folder, errors naming the field. */
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../runtime/config/load.ts';

const resolve = (input: unknown) => resolveConfig(input as never, { root: '/project', file: '/project/enfyra.config.json' });

describe('members config', () => {
  it('defaults', () => {
    const config = resolve({});
    expect(config.flows).toEqual({ dir: '/project/flows', runTriggered: false });
    expect(config.fetch).toEqual({ allowPrivate: false });
    expect(config.storage).toEqual({ dir: '/project/.enfyra/storage' });
    expect(config.packages).toEqual({ names: [], cacheDir: '/project/.enfyra/packages' });
  });

  it.each([
    [{ flows: { runTriggered: 'yes' } }, 'flows.runTriggered'],
    [{ flows: { dirr: 'x' } }, 'flows'],
    [{ fetch: { allowPrivate: 1 } }, 'fetch.allowPrivate'],
    [{ storage: { dir: '' } }, 'storage.dir'],
    [{ packages: { names: ['Bad Name!'] } }, 'packages.names.0'],
    [{ packages: ['lodash'] }, 'packages'],
  ])('%j is refused naming %s', (input, field) => {
    expect(() => resolve(input)).toThrow(ConfigError);
    expect(() => resolve(input)).toThrow(`field "${field}"`);
  });
});
