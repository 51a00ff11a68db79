/** types/members.d.ts merges into enfyra-ctx.d.ts and covers every member a script of any kind uses. */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';

const FILES = ['types/enfyra-ctx.d.ts', 'types/members.d.ts'].map((f) => path.join(PROJECT_ROOT, f));

function check(source: string): string[] {
  const options: ts.CompilerOptions = { allowJs: true, checkJs: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [], strict: true };
  const name = '/virtual/hook.js';
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, version) => (file === name ? ts.createSourceFile(file, source, version) : getSourceFile(file, version));
  host.fileExists = ((exists) => (file: string) => file === name || exists(file))(host.fileExists.bind(host));
  const program = ts.createProgram([...FILES, name], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('types/members.d.ts', () => {
  it('types every member that reaches outside the request', () => {
    expect(
      check(`async function hook() {
        await $ctx.$socket.emitToUser(1, 'e', {});
        const n = await $ctx.$socket.roomSize('r'); n.toFixed();
        await $ctx.$socket.reply('e', 1);
        const t = await $ctx.$trigger('flow', { a: 1 });
        const up = await $ctx.$storage.$upload({ file: $ctx.$uploadedFile, description: 'x' });
        up.data[0].location.toUpperCase();
        await $ctx.$storage.$delete(up.data[0].id);
        await $ctx.$res.stream('body', { mimetype: 'text/plain', filename: 'a.txt' });
        const users = await $ctx.$helpers.$fetch('https://api.example.com', { query: { page: 1 }, timeoutMs: 500, responseType: 'json' });
        const last = $ctx.$flow.$last; const step = $ctx.$flow.$meta.currentStep; const args = $ctx.$args.id;
        const pkgName = 'lodash'; const lodash = require(pkgName); const dayjs = $ctx.$pkgs.dayjs;
        return { t, users, last, step, args, lodash, dayjs };
      }`),
    ).toEqual([]);
  });

  it('rejects what the members do not take', () => {
    expect(check(`async function hook() { await $ctx.$helpers.$fetch('u', { responseType: 'blob' }); }`).join('\n')).toMatch(/blob/);
    expect(check(`async function hook() { await $ctx.$socket.emitToEveryone('e'); }`).join('\n')).toMatch(/emitToEveryone/);
  });
});
