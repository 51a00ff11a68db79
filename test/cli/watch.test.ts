/** --watch: runs again on every change of the hook, fixtures or config; keeps going after errors; Ctrl-C ends it. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchProject, spawnCli } from '../support/cli.ts';


describe('--watch', () => {
  it('run: a change to the hook runs it again; a syntax error or a broken config is shown and the watch goes on; Ctrl-C exits 130', async () => {
    const dir = scratchProject({ 'hooks/w.js': 'return 1;' });
    const hook = path.join(dir, 'hooks/w.js');
    const cli = spawnCli(['hooks/w.js', '--json', '--watch'], { cwd: dir });
    try {
      await cli.waitFor(/"data":1[\s\S]*watching for changes/);
      writeFileSync(hook, 'return 2;');
      await cli.waitFor(/hooks\/w\.js changed, running again[\s\S]*"data":2[\s\S]*watching for changes/);
      writeFileSync(hook, 'return (;');
      await cli.waitFor(/"name":"SyntaxError"[\s\S]*watching for changes/);
      writeFileSync(path.join(dir, 'enfyra.config.json'), '{ "sandbox": ');
      await cli.waitFor(/enfyra\.config\.json is not valid JSON[\s\S]*watching for changes/);
      writeFileSync(path.join(dir, 'enfyra.config.json'), '{}');
      writeFileSync(hook, 'return 3;');
      await cli.waitFor(/"data":3[\s\S]*watching for changes/);
      cli.child.kill('SIGINT');
      const result = await cli.done;
      expect(result.code).toBe(130);
      expect(result.stderr).toMatch(/interrupted \(SIGINT\): stopping the watch/);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 180_000);

  it('replay: a change to a fixture replays again', async () => {
    const dir = scratchProject();
    const fixture = path.join(dir, 'fixtures/requests/hello.json');
    const cli = spawnCli(['replay', 'fixtures/requests/hello.json', '--watch'], { cwd: dir });
    try {
      await cli.waitFor(/1 passed, 0 failed[\s\S]*watching for changes/);
      writeFileSync(fixture, JSON.stringify({ hook: 'hooks/hello.js', expect: { statusCode: 201 } }));
      await cli.waitFor(/0 passed, 1 failed[\s\S]*watching for changes/);
      cli.child.kill('SIGINT');
      expect((await cli.done).code).toBe(130);
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 180_000);
});

