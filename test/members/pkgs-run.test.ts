/**
 * `$ctx.$pkgs` and `require` end to end: a package installed in the user's project and listed in
 * `packages.names` is bundled, loaded into each isolate and frozen there; through the CLI and replay.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempFolder } from '../support/cli.ts';

const GREET = { 'node_modules/greet/package.json': '{"name":"greet","version":"1.2.3","main":"index.js"}', 'node_modules/greet/index.js': "module.exports = (name) => 'hello ' + name;" };
const CONFIG = JSON.stringify({ packages: { names: ['greet'] }, cache: { driver: 'memory' }, database: { schema: null } });
const HOOK = `
let missing;
try { require('left-pad'); } catch (e) { missing = e.message; }
let tampered;
try { $ctx.$pkgs.greet.extra = 1; tampered = 'allowed'; } catch (e) { tampered = e.name; }
return { viaRequire: require('greet')($ctx.$params.who), viaPkgs: $ctx.$pkgs.greet('you'), missing, tampered };`;

function project(extra: Record<string, string> = {}): string {
  return tempFolder({ 'package.json': '{"name":"app","private":true}', 'enfyra.config.json': CONFIG, 'hooks/greet.js': HOOK, ...GREET, ...extra });
}

describe('$pkgs and require', () => {
  it('run: the package answers through require and $ctx.$pkgs; a missing one fails with Enfyra\'s message; it is frozen', async () => {
    const r = await runCli(['hooks/greet.js', '--params', 'who=Ada', '--json'], { cwd: project() });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).data).toEqual({
      viaRequire: 'hello Ada',
      viaPkgs: 'hello you',
      missing: 'Module "left-pad" is not available. Install it via Settings \u2192 Packages',
      tampered: 'TypeError',
    });
  });

  it('replay: a fixture of the same hook passes', async () => {
    const fixture = JSON.stringify({ hook: 'hooks/greet.js', request: { params: { who: 'Bo' } }, expect: { dataMatch: { viaRequire: 'hello Bo' } } });
    const r = await runCli(['replay'], { cwd: project({ 'fixtures/requests/greet.json': fixture }) });
    expect(r.stdout).toMatch(/1 passed, 0 failed/);
  });

  it('a listed package that is not installed is a configuration error naming it (exit 2), before any hook runs', async () => {
    const dir = tempFolder({ 'package.json': '{"name":"app","private":true}', 'enfyra.config.json': CONFIG, 'hooks/greet.js': HOOK });
    const r = await runCli(['hooks/greet.js'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/greet/);
  });
});
