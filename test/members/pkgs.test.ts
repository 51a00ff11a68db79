/**
 * Package preludes for the isolate: bundled with esbuild, cached by version, refused with a clear error when
 * a package needs Node. Each bundle is evaluated here in a bare isolated-vm context to show it exposes the
 * package; test/members/pkgs-run.test.ts runs packages through the sandbox.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ivm from 'isolated-vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundlePackage, PackageError, type PackagePrelude } from '../../runtime/members/pkgs/bundle.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

function project(packages: Record<string, Record<string, string>>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'enfyra-pkgs-'));
  writeFileSync(path.join(root, 'package.json'), '{"name":"app","private":true}');
  for (const [name, files] of Object.entries(packages)) {
    for (const [file, text] of Object.entries(files)) {
      const target = path.join(root, 'node_modules', name, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  }
  return root;
}

/** Loads a prelude into a fresh context as `pkg` and runs `code` there. */
function evaluate(prelude: PackagePrelude, code: string): unknown {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  try {
    const context = isolate.createContextSync();
    const value = isolate.compileScriptSync(prelude.source).runSync(context, { reference: true }) as ivm.Reference;
    context.global.setSync('pkg', value.derefInto());
    return isolate.compileScriptSync(code).runSync(context, { copy: true });
  } finally {
    isolate.dispose();
  }
}

describe('package preludes', () => {
  let root: string;
  let cacheDir: string;
  beforeAll(() => {
    root = project({
      'cjs-pkg': { 'package.json': '{"name":"cjs-pkg","version":"1.2.3","main":"index.js"}', 'index.js': "const h = require('./helper'); module.exports = function shout(s) { return h(s) + '!'; };", 'helper.js': 'module.exports = (s) => String(s).toUpperCase();' },
      'esm-default': { 'package.json': '{"name":"esm-default","version":"2.0.0","type":"module","exports":"./index.js"}', 'index.js': 'export default { add: (a, b) => a + b }; export const named = 1;' },
      'esm-named': { 'package.json': '{"name":"esm-named","version":"0.1.0","type":"module","exports":"./index.js"}', 'index.js': 'export const twice = (n) => n * 2; export const PI = 3;' },
      'needs-fs': { 'package.json': '{"name":"needs-fs","version":"1.0.0","main":"index.js"}', 'index.js': "const fs = require('node:fs'); module.exports = () => fs.readFileSync('/etc/hostname');" },
      'broken-pkg': { 'package.json': '{"name":"broken-pkg","version":"1.0.0","main":"index.js"}', 'index.js': "require('./does-not-exist');" },
    });
    cacheDir = path.join(root, '.enfyra/packages');
  });

  it('a CommonJS package is its module.exports, its own requires bundled in', async () => {
    const prelude = await bundlePackage('cjs-pkg', { projectRoot: root, cacheDir });
    expect(prelude).toMatchObject({ name: 'cjs-pkg', version: '1.2.3' });
    expect(evaluate(prelude, "pkg('hi')")).toBe('HI!');
  });

  it('an ES module is its default export when it has one, else its namespace', async () => {
    const withDefault = await bundlePackage('esm-default', { projectRoot: root, cacheDir });
    expect(evaluate(withDefault, 'pkg.add(2, 3)')).toBe(5);
    const named = await bundlePackage('esm-named', { projectRoot: root, cacheDir });
    expect(evaluate(named, '[pkg.twice(4), pkg.PI]')).toEqual([8, 3]);
  });

  it('a real installed package (ms) works in a bare isolate', async () => {
    const prelude = await bundlePackage('ms', { projectRoot: PROJECT_ROOT, cacheDir });
    expect(evaluate(prelude, "pkg('2 days')")).toBe(172_800_000);
  });

  it('caches by version: a second call reads the cached bundle', async () => {
    const before = readdirSync(cacheDir).filter((f) => f.startsWith('cjs-pkg@1.2.3-'));
    expect(before).toHaveLength(1);
    writeFileSync(path.join(cacheDir, before[0]!), '(function () { return "from cache"; })()');
    const again = await bundlePackage('cjs-pkg', { projectRoot: root, cacheDir });
    expect(evaluate(again, 'pkg')).toBe('from cache');
  });

  it('a package that needs a Node built-in is refused naming the package and the built-in', async () => {
    const attempt = bundlePackage('needs-fs', { projectRoot: root, cacheDir });
    await expect(attempt).rejects.toThrow(PackageError);
    await expect(bundlePackage('needs-fs', { projectRoot: root, cacheDir })).rejects.toThrow(/package "needs-fs" needs the Node built-in "node:fs" \(imported by .*needs-fs\/index\.js\)/);
  });

  it('a missing package and a package that does not bundle are clear errors', async () => {
    await expect(bundlePackage('not-installed', { projectRoot: root, cacheDir })).rejects.toThrow(/package "not-installed" is not installed in .* \(run: npm install not-installed\)/);
    await expect(bundlePackage('broken-pkg', { projectRoot: root, cacheDir })).rejects.toThrow(/package "broken-pkg" could not be bundled for the sandbox: Could not resolve "\.\/does-not-exist"/);
  });
});
