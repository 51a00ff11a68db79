/**
 * The one test of the built package: `npm pack` ships what a user installs and
 * nothing else, and the tarball installs into another project, where
 * `npx enfyra-run` runs a hook, `init` and `replay` work, and the API imports.
 * (Every other test runs from source.) Slow: it builds, packs and installs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** The environment a user's shell would have: no test-run or source-mode variables. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('npm_') || name.startsWith('VITEST') || name.startsWith('ENFYRA_')) delete env[name];
  delete env.NODE_OPTIONS;
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  return env;
}

let tarball: string;
let files: string[];
let project: string;

beforeAll(async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'enfyra-pack-'));
  const { stdout } = await exec(npm, ['pack', '--json', '--pack-destination', out], { cwd: PROJECT_ROOT, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(out, path.basename(info!.filename));
  files = info!.files.map((f) => f.path);

  project = mkdtempSync(path.join(tmpdir(), 'enfyra-user-project-'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-enfyra-hooks', version: '1.0.0', private: true, type: 'module' }));
  await exec(npm, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
}, 900_000);

describe('the package', () => {
  it('ships the built runtime, the bin, the $ctx types and the README; no tests, scripts, CI files, sources or local fixtures', () => {
    // The isolate's bootstrap is bundled at build time: the installed package never bundles it at run time.
    for (const needed of ['bin/enfyra-run.js', 'dist/runtime/cli/main.js', 'dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/runtime/sandbox/isolate.bundle.js', 'types/enfyra-ctx.d.ts', 'README.md', 'package.json']) {
      expect(files).toContain(needed);
    }
    const outside = files.filter((f) => !/^(bin|dist\/runtime|types|docs)\/|^(README\.md|package\.json|LICENSE)$/.test(f));
    expect(outside).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installed from the tarball in another project: npx enfyra-run runs a hook there', async () => {
    writeFileSync(path.join(project, 'hello.js'), "return { hi: $ctx.$params.name };");
    const { stdout } = await exec(npx, ['enfyra-run', 'hello.js', '--params', 'name=packed', '--json'], { cwd: project, env: userEnv() });
    expect(JSON.parse(stdout)).toMatchObject({ statusCode: 200, data: { hi: 'packed' } });
  }, 120_000);

  it('there, init sets up the project (types from the installed package) and replay passes', async () => {
    const init = await exec(npx, ['enfyra-run', 'init'], { cwd: project, env: userEnv() });
    expect(init.stdout).toContain('using     node_modules/enfyra-run/types/enfyra-ctx.d.ts');
    expect(readdirSync(project)).not.toContain('types');
    const replay = await exec(npx, ['enfyra-run', 'replay'], { cwd: project, env: userEnv() });
    expect(replay.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
  }, 120_000);

  it('the API imports from the package name (and enfyra-run/testing) and runs a hook', async () => {
    const script = path.join(project, 'api.mjs');
    writeFileSync(
      script,
      "import { createRuntime } from 'enfyra-run';\nimport { replayFixture } from 'enfyra-run/testing';\n" +
        "const runtime = await createRuntime({ config: { database: { schema: null } } });\n" +
        "const envelope = await runtime.run({ source: 'return 40 + 2' });\n" +
        "const fixture = await replayFixture('fixtures/requests/hello.json');\n" +
        'console.log(JSON.stringify({ data: envelope.data, fixture: fixture.status }));\n',
    );
    const { stdout } = await exec(process.execPath, ['--no-node-snapshot', script], { cwd: project, env: userEnv() });
    expect(JSON.parse(stdout)).toEqual({ data: 42, fixture: 'passed' });
  }, 120_000);
});
