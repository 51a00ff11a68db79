/** createRuntime({ config }) from a project that has none of this repository's files. */
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../runtime/index.ts';
import { tempFolder } from '../support/cli.ts';

describe('createRuntime({ config }) in another project', () => {
  it('runs a hook that does not use $repos with no schema file anywhere; one that does is told the file is missing', async () => {
    const dir = tempFolder({ 'package.json': '{}' });
    const runtime = await createRuntime({ config: { cache: { driver: 'memory' } }, cwd: dir, env: {} });
    try {
      expect((await runtime.run({ source: 'return $ctx.$params.id' }, { params: { id: '7' } })).data).toBe('7');
      const repos = await runtime.run({ source: 'return await $ctx.$repos.products.find({})' });
      expect(repos.error).toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/cannot read .*fixtures\/schema\.json: ENOENT/) });
    } finally {
      await runtime.close();
    }
  });

  it('database.schema: null, from an object config', async () => {
    const runtime = await createRuntime({ config: { cache: { driver: 'memory' }, database: { schema: null, seed: null } }, cwd: tempFolder(), env: {} });
    try {
      expect((await runtime.run({ source: 'return 1' })).statusCode).toBe(200);
    } finally {
      await runtime.close();
    }
  });
});
