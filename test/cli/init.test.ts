/** `enfyra-run init`: a project ready to run and replay, safe to run again. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../support/cli.ts';

const STARTER = ['enfyra.config.json', 'hooks/hello.js', 'fixtures/requests/hello.json', 'types/enfyra-ctx.d.ts', 'jsconfig.json', '.gitignore'];

function emptyFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'enfyra-init-'));
}

describe('enfyra-run init', () => {
  it('in an empty folder: creates the starter files, says so, and the hook runs and replays', async () => {
    const dir = emptyFolder();
    const init = await runCli(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    for (const file of STARTER) expect(init.stdout).toMatch(new RegExp(`created +${file.replace(/\./g, '\\.')}\\n`));
    expect(readFileSync(path.join(dir, 'types/enfyra-ctx.d.ts'), 'utf8')).toBe(readFileSync(path.join(PROJECT_ROOT, 'types/enfyra-ctx.d.ts'), 'utf8'));
    expect(JSON.parse(readFileSync(path.join(dir, 'jsconfig.json'), 'utf8')).include).toEqual(['hooks/**/*.js', 'types/enfyra-ctx.d.ts']);

    const run = await runCli(['hooks/hello.js', '--params', 'name=Ada', '--json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).data).toEqual({ message: 'Hello, Ada!' });
    const replay = await runCli(['replay'], { cwd: dir });
    expect(replay.code).toBe(0);
    expect(replay.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('run again: leaves every file as it is (a changed hook too) and says so; --force puts the starter files back', async () => {
    const dir = emptyFolder();
    await runCli(['init'], { cwd: dir });
    writeFileSync(path.join(dir, 'hooks/hello.js'), 'return "mine";');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(0);
    for (const file of STARTER) expect(again.stdout).toMatch(new RegExp(`left +${file.replace(/\./g, '\\.')} \\(already there; --force overwrites it\\)`));
    expect(readFileSync(path.join(dir, 'hooks/hello.js'), 'utf8')).toBe('return "mine";');
    const forced = await runCli(['init', '--force'], { cwd: dir });
    expect(forced.stdout).toMatch(/overwrote +hooks\/hello\.js/);
    expect(readFileSync(path.join(dir, 'hooks/hello.js'), 'utf8')).toContain('Hello, ${name}!');
  });

  it('in an existing project: adds what is missing, never touches package.json or the files already there', async () => {
    const dir = emptyFolder();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"mine"}');
    writeFileSync(path.join(dir, '.gitignore'), 'dist/\n');
    mkdirSync(path.join(dir, 'hooks'));
    writeFileSync(path.join(dir, 'hooks/other.js'), 'return 0;');
    const init = await runCli(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/left +\.gitignore/);
    expect(init.stdout).toMatch(/created +hooks\/hello\.js/);
    expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('dist/\n');
    expect(readFileSync(path.join(dir, 'hooks/other.js'), 'utf8')).toBe('return 0;');
  });

  it('with enfyra-run installed in node_modules: jsconfig.json points at its types instead of a copy', async () => {
    const dir = emptyFolder();
    mkdirSync(path.join(dir, 'node_modules/enfyra-run/types'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/enfyra-run/types/enfyra-ctx.d.ts'), '// installed');
    const init = await runCli(['init'], { cwd: dir });
    expect(init.stdout).toContain('using     node_modules/enfyra-run/types/enfyra-ctx.d.ts');
    expect(existsSync(path.join(dir, 'types/enfyra-ctx.d.ts'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'jsconfig.json'), 'utf8')).include).toContain('node_modules/enfyra-run/types/enfyra-ctx.d.ts');
  });

  it('into a new folder given by name', async () => {
    const dir = emptyFolder();
    const init = await runCli(['init', 'my-hooks'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('cd my-hooks');
    expect(existsSync(path.join(dir, 'my-hooks/hooks/hello.js'))).toBe(true);
  });

  const bad: Array<[string, (dir: string) => string[], RegExp]> = [
    ['a folder that is a file', (dir) => (writeFileSync(path.join(dir, 'taken'), ''), ['init', 'taken']), /init: .*taken is a file, not a folder/],
    ['a starter file whose path is a folder (--force)', (dir) => (mkdirSync(path.join(dir, 'hooks/hello.js'), { recursive: true }), ['init', '--force']), /hooks\/hello\.js is a folder/],
    ['an unknown option', () => ['init', '--forse'], /unknown option '--forse'/],
  ];
  for (const [label, setup, message] of bad) {
    it(`${label}: exit 2, one line`, async () => {
      const dir = emptyFolder();
      const r = await runCli(setup(dir), { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(existsSync(path.join(dir, 'enfyra.config.json'))).toBe(false);
    });
  }
});
