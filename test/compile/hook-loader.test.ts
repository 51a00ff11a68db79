import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HookFileError, HookLoader } from '../../runtime/compile/hook-loader.ts';
import { ScriptCompileError } from '../../runtime/compile/compile-error.ts';

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-loader-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('HookLoader', () => {
  it('compiles a .ts file as TypeScript and a .js file as JavaScript, named relative to the working folder', () => {
    const dir = folder({ 'hooks/a.ts': 'const n: number = @PARAMS.n;\nreturn n;', 'hooks/b.js': 'return @PARAMS.n;' });
    const loader = new HookLoader(dir);
    expect(loader.load('hooks/a.ts')).toMatchObject({ filename: 'hooks/a.ts', code: 'const n = $ctx.$params.n;\nreturn n;', language: 'typescript' });
    expect(loader.load(path.join(dir, 'hooks/b.js'))).toMatchObject({ filename: 'hooks/b.js', code: 'return $ctx.$params.n;', language: 'javascript' });
  });

  it('reads a file again only when it changed', () => {
    const dir = folder({ 'h.js': 'return 1;' });
    const loader = new HookLoader(dir);
    const first = loader.load('h.js');
    expect(loader.load('h.js')).toBe(first);
    writeFileSync(path.join(dir, 'h.js'), 'return 22;');
    const second = loader.load('h.js');
    expect(second.code).toBe('return 22;');
    // Same size, new modification time: read again too.
    writeFileSync(path.join(dir, 'h.js'), 'return 33;');
    utimesSync(path.join(dir, 'h.js'), new Date(), new Date(Date.now() + 5000));
    expect(loader.load('h.js').code).toBe('return 33;');
  });

  it('a file that does not compile fails the same way each time, and compiles once fixed', () => {
    const dir = folder({ 'x.ts': 'const a = 1;\nconst b: = 2;' });
    const loader = new HookLoader(dir);
    expect(() => loader.load('x.ts')).toThrow(ScriptCompileError);
    expect(() => loader.load('x.ts')).toThrow(/\(x\.ts:2:/);
    writeFileSync(path.join(dir, 'x.ts'), 'const a = 1;\nconst b: number = 2;');
    expect(loader.load('x.ts').code).toBe('const a = 1;\nconst b = 2;');
  });

  it('refuses a file that is not UTF-8 instead of decoding it with replacement characters', () => {
    const dir = folder({ 'latin1.js': Buffer.from('return "caf\xe9";', 'latin1') });
    expect(() => new HookLoader(dir).load('latin1.js')).toThrow(HookFileError);
    expect(() => new HookLoader(dir).load('latin1.js')).toThrow(/hook file latin1\.js is not UTF-8 text/);
  });

  it('drops a UTF-8 byte-order mark', () => {
    const dir = folder({ 'bom.js': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('return "é";')]) });
    expect(new HookLoader(dir).load('bom.js').code).toBe('return "é";');
  });

  it('a missing file or a folder is a HookFileError naming it', () => {
    const dir = folder({ 'hooks/x.js': '' });
    expect(() => new HookLoader(dir).load('nope.js')).toThrow(/hook file not found: nope\.js \(ENOENT\)/);
    expect(() => new HookLoader(dir).load('hooks')).toThrow(/hook path is not a file: hooks/);
  });

  it('fromSource compiles inline hooks; the language follows the name unless given', () => {
    const loader = new HookLoader(tmpdir());
    expect(loader.fromSource('const a: number = 1; return a;', 'inline.ts').code).toBe('const a = 1;\nreturn a;');
    expect(() => loader.fromSource('const a: number = 1;', 'inline.js')).toThrow(ScriptCompileError);
    expect(loader.fromSource('const a: number = 1;', 'inline.js', 'typescript').code).toBe('const a = 1;');
  });
});
