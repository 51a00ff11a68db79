import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';

const rewrite = (source: string) => rewriteTemplateSyntax(source).code;

const PARSE_OPTIONS = {
  ecmaVersion: 'latest',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  locations: true,
} as const;

describe('rewriteTemplateSyntax: tokens in code', () => {
  it.each([
    ['@CACHE', '$ctx.$cache'],
    ['@REPOS', '$ctx.$repos'],
    ['@HELPERS', '$ctx.$helpers'],
    ['@LOGS', '$ctx.$logs'],
    ['@BODY', '$ctx.$body'],
    ['@QUERY', '$ctx.$query'],
    ['@PARAMS', '$ctx.$params'],
    ['@USER', '$ctx.$user'],
    ['@REQ', '$ctx.$req'],
    ['@SHARE', '$ctx.$share'],
    ['@DATA', '$ctx.$data'],
    ['@STATUS', '$ctx.$statusCode'],
    ['@API', '$ctx.$api'],
    ['@ENV', '$ctx.$env'],
    ['@ERROR', '$ctx.$error'],
    ['@THROW', '$ctx.$throw'],
    ['#table_name', '$ctx.$repos.table_name'],
    ['%pkg', '$ctx.$pkgs.pkg'],
  ])('%s → %s', (token, expected) => {
    expect(rewrite(`const x = ${token};`)).toBe(`const x = ${expected};`);
  });

  it.each(['400', '401', '403', '404', '409', '422', '429', '500', '503'])('@THROW%s → $ctx.$throw[...]', (status) => {
    expect(rewrite(`@THROW${status}('nope');`)).toBe(`$ctx.$throw['${status}']('nope');`);
  });

  it('rewrites member chains and several tokens on one line', () => {
    expect(rewrite(`const u = await #users.find({ where: { id: @PARAMS.id } }); @LOGS(u, @USER?.id);`)).toBe(
      `const u = await $ctx.$repos.users.find({ where: { id: $ctx.$params.id } }); $ctx.$logs(u, $ctx.$user?.id);`,
    );
  });

  it('rewrites inside ${...} of template literals, nested ones included', () => {
    expect(rewrite('const k = `user:${@USER.id}`;')).toBe('const k = `user:${$ctx.$user.id}`;');
    expect(rewrite('const k = `a ${`b ${@PARAMS.id} @PARAMS`} @USER`;')).toBe(
      'const k = `a ${`b ${$ctx.$params.id} @PARAMS`} @USER`;',
    );
    expect(rewrite('const k = `${ { a: @BODY }.a }`;')).toBe('const k = `${ { a: $ctx.$body }.a }`;');
  });

  it('leaves source without template syntax untouched', () => {
    const source = 'const x = $ctx.$user.id % 2; return `${x}`;';
    expect(rewrite(source)).toBe(source);
  });
});

describe('rewriteTemplateSyntax: what is not code', () => {
  it.each([
    ["single-quoted strings", "const s = '@USER #users %pkg @THROW404';"],
    ['double-quoted strings', 'const s = "@USER #users %pkg @THROW404";'],
    ['template text', 'const s = `@USER #users %pkg @THROW404 $@BODY`;'],
    ['regex literals', 'const r = /@USER #users %pkg/g;'],
    ['regex literals after return', 'return /@USER/.test(s);'],
    ['regex literals after await', 'await /@USER/.test(s);'],
    ['regex literals in a character class', 'const r = /[@USER/]#x/;'],
    ['line comments', '// @USER #users %pkg @THROW404'],
    ['block comments', '/* @USER\n #users %pkg */ x;'],
    ['e-mail addresses in strings', "const to = 'ops@USER.example';"],
  ])('%s', (_name, source) => {
    expect(rewrite(source)).toBe(source);
  });

  it('tells a regex after `=` from division', () => {
    expect(rewrite('const r = /@USER/g; const d = a / @BODY.n / 2;')).toBe(
      'const r = /@USER/g; const d = a / $ctx.$body.n / 2;',
    );
    expect(rewrite('const q = (total) / @PARAMS.n; const r = /@PARAMS/;')).toBe(
      'const q = (total) / $ctx.$params.n; const r = /@PARAMS/;',
    );
    expect(rewrite('const half = @BODY.n / 2 / @QUERY.m;')).toBe('const half = $ctx.$body.n / 2 / $ctx.$query.m;');
  });
});

describe('rewriteTemplateSyntax: word boundaries and unknown words', () => {
  it.each(['@THROW4041', '@THROW418', '@USERS', '@USER_ID', '@user', '@CACHEd'])('%s is left as it is', (token) => {
    expect(rewrite(`x = ${token};`)).toBe(`x = ${token};`);
  });

  it('keeps an identifier that merely contains a token', () => {
    expect(rewrite('a@USER;')).toBe('a@USER;');
  });
});

describe('rewriteTemplateSyntax: % is modulo after an operand', () => {
  it.each(['a % b', 'a %b', '(a) %b', 'arr[0] %b', 'x++ %b', '"s" %b', '1 %b', 'x %= b', '`t` %b'])(
    '%s stays modulo',
    (expr) => {
      expect(rewrite(`y = ${expr};`)).toBe(`y = ${expr};`);
    },
  );

  it.each([
    ['const _ = %lodash;', 'const _ = $ctx.$pkgs.lodash;'],
    ['return %dayjs().format();', 'return $ctx.$pkgs.dayjs().format();'],
    ['f(%a, [%b]);', 'f($ctx.$pkgs.a, [$ctx.$pkgs.b]);'],
    ['const z = await %pkg.load();', 'const z = await $ctx.$pkgs.pkg.load();'],
    ['if (ok) %pkg.run();', 'if (ok) $ctx.$pkgs.pkg.run();'],
    ['x = a % %pkg.n;', 'x = a % $ctx.$pkgs.pkg.n;'],
  ])('%s is a package where an expression starts', (source, expected) => {
    expect(rewrite(source)).toBe(expected);
  });

  it('needs the name right after %', () => {
    expect(rewrite('x = % pkg;')).toBe('x = % pkg;');
  });
});

describe('rewriteTemplateSyntax: #name and private class members', () => {
  it('leaves private fields, methods, accesses and brand checks alone', () => {
    const source = [
      'class Counter extends Base {',
      '  #count = 0;',
      '  static #instances;',
      '  get #double() { return this.#count * 2; }',
      '  #bump() { this.#count++; return #count in this && other?.#count; }',
      '}',
    ].join('\n');
    expect(rewrite(source)).toBe(source);
  });

  it('rewrites #table in a method body and after the class', () => {
    const source = 'class A { #x = 1; async load() { return #users.find(); } }\nconst o = #orders;';
    expect(rewrite(source)).toBe(
      'class A { #x = 1; async load() { return $ctx.$repos.users.find(); } }\nconst o = $ctx.$repos.orders;',
    );
  });

  it('does not take an object key named class for a class head', () => {
    expect(rewrite("const o = { class: 'x' }; { #users.find(); }")).toBe(
      "const o = { class: 'x' }; { $ctx.$repos.users.find(); }",
    );
    expect(rewrite('el.class = 1; if (x) { #users.find(); }')).toBe('el.class = 1; if (x) { $ctx.$repos.users.find(); }');
  });

  it('handles a class expression whose heritage has braces', () => {
    expect(rewrite('const C = class extends mix({ a: 1 }) { #p = 1; m() { return #t; } };')).toBe(
      'const C = class extends mix({ a: 1 }) { #p = 1; m() { return $ctx.$repos.t; } };',
    );
  });
});

describe('rewriteTemplateSyntax: positions', () => {
  const hook = [
    "const lockKey = `record-lock:${@PARAMS.id}`; // @PARAMS in a comment",
    'const acquired = await @CACHE.acquire(lockKey, @USER.id, 10000);',
    "if (!acquired) { @THROW409('Record is busy'); return; }",
    'try {',
    '  const r = await #products.update({ id: @PARAMS.id, data: @BODY });',
    '  return r.data[0].price % 2 === 0 ? %fmt(r) : r;',
    '} finally {',
    '  await @CACHE.release(lockKey, @USER.id);',
    '}',
  ].join('\n');

  it('keeps every line on its own line and produces valid JavaScript', () => {
    const out = rewrite(hook);
    const inLines = hook.split('\n');
    const outLines = out.split('\n');
    expect(outLines).toHaveLength(inLines.length);
    expect(outLines[1]).toBe('const acquired = await $ctx.$cache.acquire(lockKey, $ctx.$user.id, 10000);');
    expect(outLines[2]).toBe("if (!acquired) { $ctx.$throw['409']('Record is busy'); return; }");
    expect(outLines[5]).toBe('  return r.data[0].price % 2 === 0 ? $ctx.$pkgs.fmt(r) : r;');
    expect(outLines[0]).toContain('// @PARAMS in a comment');
    expect(() => parse(out, PARSE_OPTIONS)).not.toThrow();
  });

  it('a syntax error after rewritten tokens is still reported on its original line', () => {
    const source = '@LOGS(@USER.id);\nconst a = @CACHE;\nconst b = @NOPE;\n';
    const out = rewrite(source);
    expect(out.split('\n')[2]).toBe('const b = @NOPE;');
    expect(() => parse(out, PARSE_OPTIONS)).toThrow(expect.objectContaining({ loc: expect.objectContaining({ line: 3 }) }));
  });

  it('stops at a lexical error but keeps the rewrites before it', () => {
    expect(rewrite("@LOGS(1);\nconst s = 'unterminated\n@LOGS(2);")).toBe(
      "$ctx.$logs(1);\nconst s = 'unterminated\n@LOGS(2);",
    );
  });

  it('allows a hashbang line', () => {
    expect(rewrite('#!/usr/bin/env enfyra-run\n@LOGS(#users);')).toBe(
      '#!/usr/bin/env enfyra-run\n$ctx.$logs($ctx.$repos.users);',
    );
  });
});
