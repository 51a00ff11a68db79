/**
 * Enfyra's template rewriter against ours. The "Enfyra" column of each row
 * was worked out by hand from Enfyra 2.2's transformTemplateSyntax
 * (shared/utils/template-syntax.util.ts): a character scanner with code,
 * '…', "…", `…`, // and /* states that rewrites every @TOKEN, # and % it sees
 * in code. The same rows check our model of it (enfyra-rules.ts), our own
 * output, and the warnings we give where the two differ.
 */
import { describe, expect, it } from 'vitest';
import { enfyraTemplateScan } from '../../runtime/template/enfyra-rules.ts';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';
import { AT_TOKENS } from '../../runtime/template/tokens.ts';

function enfyraOutput(source: string): string {
  let out = '';
  let from = 0;
  for (const edit of enfyraTemplateScan(source, AT_TOKENS).edits) {
    out += source.slice(from, edit.start) + edit.replacement;
    from = edit.end;
  }
  return out + source.slice(from);
}

// [what, source, Enfyra's output, ours, warning codes with line:column]
const ROWS: Array<[string, string, string, string, string[]]> = [
  ['a token in code', 'const id = @USER.id;', 'const id = $ctx.$user.id;', 'const id = $ctx.$user.id;', []],
  ['@ERROR is $ctx.$error', 'return @ERROR?.message;', 'return $ctx.$error?.message;', 'return $ctx.$error?.message;', []],
  ['#table', 'await #users.find();', 'await $ctx.$repos.users.find();', 'await $ctx.$repos.users.find();', []],
  ['%pkg', 'const d = %dayjs();', 'const d = $ctx.$pkgs.dayjs();', 'const d = $ctx.$pkgs.dayjs();', []],
  ['%PKG in capitals', 'const d = %LODASH;', 'const d = $ctx.$pkgs.LODASH;', 'const d = $ctx.$pkgs.LODASH;', []],
  ['% as remainder', 'const odd = n % 2;', 'const odd = n $ctx.$pkgs. 2;', 'const odd = n % 2;', ['template.modulo@1:15']],
  ['%= as remainder', 'n %= 3;', 'n $ctx.$pkgs.= 3;', 'n %= 3;', ['template.modulo@1:3']],
  ['% inside ${}', 'const s = `${i % 2}`;', 'const s = `${i $ctx.$pkgs. 2}`;', 'const s = `${i % 2}`;', ['template.modulo@1:16']],
  ['% in a string', "const s = '50%';", "const s = '50%';", "const s = '50%';", []],
  [
    'private class members',
    'class A {\n  #n = 1;\n  get() { return this.#n; }\n}',
    'class A {\n  $ctx.$repos.n = 1;\n  get() { return this.$ctx.$repos.n; }\n}',
    'class A {\n  #n = 1;\n  get() { return this.#n; }\n}',
    ['template.private-field@2:3', 'template.private-field@3:23'],
  ],
  ['a token in a regex', 'const re = /@USER/;', 'const re = /$ctx.$user/;', 'const re = /@USER/;', ['template.token-in-regex@1:13']],
  ['# in a regex', 'const re = /#\\d+/;', 'const re = /$ctx.$repos.\\d+/;', 'const re = /#\\d+/;', ['template.token-in-regex@1:13']],
  ['% in a regex', 'const re = /100%/;', 'const re = /100$ctx.$pkgs./;', 'const re = /100%/;', ['template.token-in-regex@1:16']],
  [
    "a quote in a regex opens a string for Enfyra",
    "const q = s.replace(/'/g, ''); @LOGS(q);",
    "const q = s.replace(/'/g, ''); @LOGS(q);",
    "const q = s.replace(/'/g, ''); $ctx.$logs(q);",
    ['template.rewriter-differs@1:32'],
  ],
  [
    '/* in a regex opens a comment for Enfyra',
    'const re = /[/*]/;\n@LOGS(1); // */',
    'const re = /[/*]/;\n@LOGS(1); // */',
    'const re = /[/*]/;\n$ctx.$logs(1); // */',
    ['template.rewriter-differs@2:1'],
  ],
  [
    "a nested template resets Enfyra's brace count",
    'const s = `${ f({ a: `${x}` }, @USER) }`;',
    'const s = `${ f({ a: `${x}` }, @USER) }`;',
    'const s = `${ f({ a: `${x}` }, $ctx.$user) }`;',
    ['template.rewriter-differs@1:32'],
  ],
  ['a token prefix of a longer word', 'const c = @CACHEd;', 'const c = $ctx.$cached;', 'const c = @CACHEd;', ['template.rewriter-differs@1:11']],
  ['an unknown token', 'const c = @NOPE;', 'const c = @NOPE;', 'const c = @NOPE;', []],
  ['lower case is not a token', 'const c = @user;', 'const c = @user;', 'const c = @user;', []],
  ['strings', 'const s = "it\'s @USER #t %p";', 'const s = "it\'s @USER #t %p";', 'const s = "it\'s @USER #t %p";', []],
  ['escaped quotes', "const s = 'it\\'s'; @LOGS(s);", "const s = 'it\\'s'; $ctx.$logs(s);", "const s = 'it\\'s'; $ctx.$logs(s);", []],
  ['comments', '// @USER %\n/* #x */ @LOGS(1);', '// @USER %\n/* #x */ $ctx.$logs(1);', '// @USER %\n/* #x */ $ctx.$logs(1);', []],
  ['template text', 'const s = `@USER ${@USER.id} 5%`;', 'const s = `@USER ${$ctx.$user.id} 5%`;', 'const s = `@USER ${$ctx.$user.id} 5%`;', []],
  [
    'nested templates',
    'const s = `a ${`b ${@PARAMS.id}`} @USER`;',
    'const s = `a ${`b ${$ctx.$params.id}`} @USER`;',
    'const s = `a ${`b ${$ctx.$params.id}`} @USER`;',
    [],
  ],
  ['division', 'const h = @BODY.n / 2 / @QUERY.m;', 'const h = $ctx.$body.n / 2 / $ctx.$query.m;', 'const h = $ctx.$body.n / 2 / $ctx.$query.m;', []],
];

describe("Enfyra's template rewriter, row by row", () => {
  it.each(ROWS)('%s', (_what, source, enfyra, ours, codes) => {
    expect(enfyraOutput(source)).toBe(enfyra);
    const result = rewriteTemplateSyntax(source);
    expect(result.code).toBe(ours);
    expect(result.warnings.map((w) => `${w.code}@${w.line}:${w.column}`)).toStrictEqual(codes);
    expect(result.code.split('\n')).toHaveLength(source.split('\n').length);
  });

  it('every Enfyra token rewrites as Enfyra maps it', () => {
    // Enfyra's TEMPLATE_MAPPINGS, read off template-syntax.util.ts.
    const enfyra: Record<string, string> = {
      '@CACHE': '$ctx.$cache', '@REPOS': '$ctx.$repos', '@HELPERS': '$ctx.$helpers', '@STORAGE': '$ctx.$storage',
      '@FETCH': '$ctx.$helpers.$fetch', '@LOGS': '$ctx.$logs', '@BODY': '$ctx.$body', '@ENV': '$ctx.$env',
      '@DATA': '$ctx.$data', '@PARAMS': '$ctx.$params', '@QUERY': '$ctx.$query', '@USER': '$ctx.$user',
      '@REQ': '$ctx.$req', '@RES': '$ctx.$res', '@SHARE': '$ctx.$share', '@API': '$ctx.$api',
      '@UPLOADED_FILE': '$ctx.$uploadedFile', '@PKGS': '$ctx.$pkgs', '@SOCKET': '$ctx.$socket',
      '@TRIGGER': '$ctx.$trigger', '@FLOW': '$ctx.$flow', '@FLOW_PAYLOAD': '$ctx.$flow.$payload',
      '@FLOW_LAST': '$ctx.$flow.$last', '@FLOW_META': '$ctx.$flow.$meta', '@THROW400': "$ctx.$throw['400']",
      '@THROW401': "$ctx.$throw['401']", '@THROW403': "$ctx.$throw['403']", '@THROW404': "$ctx.$throw['404']",
      '@THROW409': "$ctx.$throw['409']", '@THROW422': "$ctx.$throw['422']", '@THROW429': "$ctx.$throw['429']",
      '@THROW500': "$ctx.$throw['500']", '@THROW503': "$ctx.$throw['503']", '@THROW': '$ctx.$throw',
      '@ERROR': '$ctx.$error', '@STATUS': '$ctx.$statusCode',
    };
    expect(Object.fromEntries([...AT_TOKENS].map(([name, to]) => [`@${name}`, to]))).toStrictEqual(enfyra);
    for (const [token, to] of Object.entries(enfyra)) {
      const result = rewriteTemplateSyntax(`x = ${token};`);
      expect(result).toStrictEqual({ code: `x = ${to};`, warnings: [] });
    }
  });

  it('warns once per line and code, with a message that says what Enfyra does', () => {
    const { warnings } = rewriteTemplateSyntax('const a = x % 2 + y % 3;\nconst re = /@USER/;');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.message).toContain('Enfyra rejects this script');
    expect(warnings[1]!.message).toContain("to `$ctx.$user`");
    const desync = rewriteTemplateSyntax("const q = s.replace(/'/g, ''); @LOGS(q);").warnings[0]!;
    expect(desync.message).toContain("inside a '…' string that it thinks begins at 1:28");
  });
});
