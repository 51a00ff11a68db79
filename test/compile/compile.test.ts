/**
 * The compile step against what Enfyra does (shared/utils/script-code.util.ts
 * at HEAD): template rewrite, then ts.transpileModule for TypeScript, then
 * its executable-body check.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { compileScript } from '../../runtime/compile/compile.ts';
import { ScriptCompileError } from '../../runtime/compile/compile-error.ts';
import { languageOf } from '../../runtime/compile/hook-source.ts';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';

/** Enfyra's own transpile, written out from its source (sourceMap off), to compare outputs with. */
function enfyraTranspile(source: string): string {
  const result = ts.transpileModule(rewriteTemplateSyntax(source).code, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      importsNotUsedAsValues: ts.ImportsNotUsedAsValues.Remove,
      sourceMap: false,
      inlineSourceMap: false,
      inlineSources: false,
    },
    reportDiagnostics: true,
  });
  return result.outputText.trimEnd();
}

const compileTs = (source: string) => compileScript(source, { filename: 'hooks/x.ts' });
const compileJs = (source: string) => compileScript(source, { filename: 'hooks/x.js' });

function compileError(fn: () => unknown): ScriptCompileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScriptCompileError);
    return err as ScriptCompileError;
  }
  throw new Error('expected a compile error');
}

const TYPESCRIPT_HOOK = `interface Product { id: number; name: string; price: number }
enum Tier { Free = 'free', Pro = 'pro' }
const enum Flag { A = 1, B = 2 }
type Page<T> = { items: T[]; total: number };

function page<T>(items: T[]): Page<T> {
  return { items, total: items.length };
}
const limits = { free: 10, pro: 100 } satisfies Record<Tier, number>;
const rows = (await #products.find({ filter: { id: { _eq: @PARAMS.id } } })).data as Product[];
const tier: Tier = (@USER?.isRootAdmin ? Tier.Pro : Tier.Free);
return { ...page<Product>(rows), tier, limit: limits[tier], flags: Flag.A | Flag.B };
`;

describe('compileScript: TypeScript as Enfyra compiles it', () => {
  it('emits exactly what Enfyra emits (the source map changes nothing in the code)', () => {
    const samples = [
      TYPESCRIPT_HOOK,
      'const value: string = @BODY.name; return value;',
      'return await @REPOS.main.find();',
      '// a comment\nconst x = 1 as const;\n\n\nreturn x;\n',
      'class A { #n = 1; static { } get n(): number { return this.#n } }\nreturn new A().n;',
    ];
    for (const source of samples) expect(compileTs(source).code).toBe(enfyraTranspile(source));
  });

  it('matches Enfyra\'s own test cases', () => {
    const compiled = compileTs('const value: string = @BODY.name; return value;').code;
    expect(compiled).toContain('const value = $ctx.$body.name;');
    expect(compiled).toContain('return value;');
    expect(compiled).not.toContain(': string');
    expect(compileTs('return await @REPOS.main.find();').code).toBe('return await $ctx.$repos.main.find();');
  });

  it('compiles interfaces, annotations, generics, as, satisfies and enums away (enums become objects; a const enum too)', () => {
    const { code } = compileTs(TYPESCRIPT_HOOK);
    expect(code).not.toMatch(/interface|satisfies|tier: Tier|<T>|as Product|Page<T>/);
    expect(code).toContain('var Tier;\n(function (Tier) {\n    Tier["Free"] = "free";');
    // transpileModule sees one file: a const enum is emitted like an enum, its members read at run time.
    expect(code).toContain('Flag[Flag["A"] = 1] = "A";');
    expect(code).toContain('flags: Flag.A | Flag.B');
  });

  it('does not type-check: a type error is not an error (Enfyra does not type-check either)', () => {
    const { code } = compileTs('const n: number = "not a number";\nconst missing: string = undefinedName;\nreturn n;');
    expect(code).toBe('const n = "not a number";\nconst missing = undefinedName;\nreturn n;');
  });

  it('accepts top-level return and await (a script is a function body)', () => {
    expect(compileTs('const a = await Promise.resolve(1);\nreturn a;').code).toBe('const a = await Promise.resolve(1);\nreturn a;');
  });

  it('keeps a template token inside a generic working (the type is erased, the value stays)', () => {
    const { code } = compileTs(
      'const cache = new Map<string, typeof @USER>();\ncache.set("u", @USER);\nconst ids = [] as Array<typeof @PARAMS.id>;\nreturn [cache.size, ids];',
    );
    expect(code).toBe('const cache = new Map();\ncache.set("u", $ctx.$user);\nconst ids = [];\nreturn [cache.size, ids];');
  });

  it('gives the language from the file name: .js is JavaScript, anything else Enfyra\'s default TypeScript', () => {
    expect(languageOf('hooks/a.js')).toBe('javascript');
    expect(languageOf('hooks/a.mjs')).toBe('javascript');
    expect(languageOf('hooks/a.ts')).toBe('typescript');
    expect(languageOf('inline')).toBe('typescript');
    expect(compileTs('return 1;').language).toBe('typescript');
    expect(compileScript('const a: number = 1;', { filename: 'inline.js', language: 'typescript' }).code).toBe('const a = 1;');
  });

  it('passes JavaScript through untouched after the template rewrite', () => {
    const source = 'const a = @USER?.id;\n\n\nreturn { a };\n';
    expect(compileJs(source).code).toBe('const a = $ctx.$user?.id;\n\n\nreturn { a };\n');
  });

  it('keeps the source as written and returns it with the code', () => {
    const hook = compileTs(TYPESCRIPT_HOOK);
    expect(hook.source).toBe(TYPESCRIPT_HOOK);
    expect(hook.filename).toBe('hooks/x.ts');
    expect(hook.warnings).toEqual([]);
  });
});

describe('compileScript: what Enfyra refuses', () => {
  it('a TS syntax error names the .ts file\'s own line and column, with a code frame', () => {
    const err = compileError(() => compileTs('interface A { a: number }\nconst a: A = { a: 1 };\nconst b = (a. ;\nreturn b;'));
    expect(err.name).toBe('SyntaxError');
    expect(err.message).toBe('Identifier expected. (hooks/x.ts:3:15)');
    expect([err.file, err.line, err.column]).toEqual(['hooks/x.ts', 3, 15]);
    expect(err.codeFrame).toContain('> 3 | const b = (a. ;');
    expect(err.codeFrame.split('\n').find((l) => l.includes('^'))!.indexOf('^')).toBe(err.codeFrame.split('\n').find((l) => l.startsWith('>'))!.indexOf(';'));
  });

  it('a TS syntax error right of a template token is placed in the source as written', () => {
    const err = compileError(() => compileTs('const a = 1;\nconst q = @USER.id + #orders.x +;\n'));
    expect(err.message).toBe('Expression expected. (hooks/x.ts:2:33)');
  });

  it('type syntax in a .js file is a syntax error (JavaScript is not transpiled), at its line', () => {
    const err = compileError(() => compileJs('const ok = 1;\nconst x: number = 1;'));
    // V8's words; the position is where acorn, parsing the same wrapper, stops (the ':').
    expect(err.message).toBe('Missing initializer in const declaration (hooks/x.js:2:8)');
  });

  it('refuses what V8 refuses as a strict async function body, as Enfyra\'s assertExecutableJavaScript does', () => {
    expect(compileError(() => compileTs('let q = 1;\nlet q = 2;')).message).toBe("Identifier 'q' has already been declared (hooks/x.ts:2:5)");
    expect(compileError(() => compileJs('with (Math) { return max(1, 2) }')).message).toMatch(/Strict mode code may not include a with statement \(hooks\/x\.js:1:1\)/);
    expect(compileError(() => compileJs('return import.meta.url')).message).toMatch(/import\.meta/);
    expect(compileError(() => compileJs('const a = 010;')).message).toMatch(/Octal literals are not allowed in strict mode/);
  });

  it('places a V8-only error in TS at the line of the source as written (through the transpile)', () => {
    const err = compileError(() => compileTs('interface A { a: number }\n\n\nconst x: A = { a: 1 };\nlet x = 2;'));
    expect([err.line, err.column]).toEqual([5, 5]);
  });

  it('an unclosed block is reported at the end of the script', () => {
    const err = compileError(() => compileJs('if (true) {\n  return 1;\n'));
    expect(err.line).toBe(3);
  });
});

describe('compileScript: static warnings', () => {
  it('warns where a script reads an env variable whose name looks secret, at the line as written', () => {
    const { warnings } = compileTs(
      'const region = @ENV.AWS_REGION;\nconst key: string = @ENV.STRIPE_SECRET_KEY;\nconst t = $ctx.$env["API_TOKEN"];\nconst { GITHUB_TOKEN, PORT } = $ctx.$env;\nreturn [region, key, t, GITHUB_TOKEN, PORT];',
    );
    expect(warnings.map((w) => [w.code, w.line, w.column, w.file])).toEqual([
      ['env.secret-like', 2, 26, 'hooks/x.ts'],
      ['env.secret-like', 3, 21, 'hooks/x.ts'],
      ['env.secret-like', 4, 9, 'hooks/x.ts'],
    ]);
    expect(warnings[0]!.message).toMatch(/^\$env\.STRIPE_SECRET_KEY looks like a secret: Enfyra gives every script the server's whole environment except DB_URI, DB_REPLICA_URIS, REDIS_URI, SECRET_KEY, ADMIN_PASSWORD/);
  });

  it('warns that the five names Enfyra hides always read undefined', () => {
    const { warnings } = compileJs('return [$ctx.$env.DB_URI, @ENV.DB_REPLICA_URIS, $ctx.$env?.ADMIN_PASSWORD];');
    expect(warnings.map((w) => [w.code, w.column])).toEqual([
      ['env.hidden', 19],
      ['env.hidden', 32],
      ['env.hidden', 60],
    ]);
    expect(warnings[1]!.message).toMatch(/^\$env\.DB_REPLICA_URIS is always undefined in Enfyra/);
  });

  it('warns on $req.params (always {} in Enfyra) and $req.protocol (always http)', () => {
    const { warnings } = compileJs('const id = @REQ.params.id;\nconst base = `${$ctx.$req.protocol}://${$ctx.$req.hostname}`;\nreturn [id, base, $ctx.$params.id];');
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['req.params-empty', 1],
      ['req.protocol-http', 2],
    ]);
  });

  it('does not warn for names in strings or comments, plain names, or reads it cannot see', () => {
    const { warnings } = compileJs(
      "// $ctx.$env.SECRET_KEY\nconst s = '$ctx.$env.API_TOKEN';\nconst name = 'X_TOKEN';\nconst v = $ctx.$env[name];\nreturn [s, v, $ctx.$env.NODE_ENV, $ctx.$env.MONKEY_COUNT];",
    );
    expect(warnings).toEqual([]);
  });

  it('warns at the find of a find({ where }) (ignored since Enfyra 2.2), template syntax and TypeScript included', () => {
    const js = compileJs("const a = await #products.find({ filter: { id: { _eq: 1 } } });\nconst b = await $ctx.$repos.main.find({\n  where: { id: 1 },\n});\nreturn [a, b];");
    expect(js.warnings.map((w) => [w.code, w.line, w.column])).toEqual([['repos.where-ignored', 2, 34]]);
    expect(js.warnings[0]!.message).toMatch(/use find\(\{ filter: \.\.\. \}\)$/);
    const ts = compileTs("interface P { id: number }\nconst rows: P[] = (await #user_definition.find({ where: { id: { _eq: @PARAMS.id } } })).data;\nreturn rows;");
    expect(ts.warnings.map((w) => [w.code, w.line])).toEqual([['repos.where-ignored', 2]]);
  });

  it('does not warn for where outside a $repos find, or in a nested object', () => {
    expect(compileJs("const where = 1;\nconst o = { where };\nawait $ctx.$repos.products.find({ filter: { where: { _eq: 1 } } });\nawait $ctx.$cache.get({ where: 1 });\nreturn o;").warnings).toEqual([]);
  });

  it('one warning per name and line', () => {
    expect(compileJs('return [$ctx.$env.API_KEY, $ctx.$env.API_KEY];\n$ctx.$env.API_KEY;').warnings.map((w) => w.line)).toEqual([1, 2]);
  });
});

describe('compileScript: other inputs', () => {
  it('a shebang line is blanked (positions stay)', () => {
    const hook = compileJs('#!/usr/bin/env enfyra-run\nreturn $ctx.$env.API_KEY;');
    expect(hook.code.split('\n')[1]).toBe('return $ctx.$env.API_KEY;');
    expect(hook.warnings[0]).toMatchObject({ line: 2, column: 18 });
  });

  it('an empty script compiles to nothing (it answers undefined)', () => {
    expect(compileTs('').code).toBe('');
    expect(compileJs('').code).toBe('');
  });
});
