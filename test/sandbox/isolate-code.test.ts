/**
 * The isolate's own code (runtime/sandbox/isolate/): its program type-checks against what the isolate has
 * (its tsconfig: ECMAScript, SES and the bridge, no Node, no DOM), the root program leaves it out, the
 * bundle is made from the sources and lowers nothing, and what a script can reach of it is as written.
 */
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';
import { testSandbox } from '../support/sandbox.ts';
import { createEchoModule } from '../support/echo-module.ts';
import { buildIsolateBundle, isolateBundle } from '../../runtime/sandbox/isolate-bundle.ts';
import { RETURNED_FIELDS } from '../../runtime/sandbox/protocol.ts';
import type { HostModule } from '../../runtime/sandbox/host-module.ts';

const ISOLATE_DIR = path.join(PROJECT_ROOT, 'runtime/sandbox/isolate');

function parsedConfig(file: string): ts.ParsedCommandLine {
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(file));
}

/** The isolate program's diagnostics, with `extra` files (name -> text) added to it. */
function isolateDiagnostics(extra: Record<string, string> = {}): string[] {
  const { fileNames, options } = parsedConfig(path.join(ISOLATE_DIR, 'tsconfig.json'));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (name in extra ? ts.createSourceFile(name, extra[name]!, version) : getSourceFile(name, version));
  const program = ts.createProgram([...fileNames, ...Object.keys(extra)], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(PROJECT_ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the isolate program', () => {
  it('type-checks under its own tsconfig', () => {
    expect(isolateDiagnostics()).toEqual([]);
  });

  it('has neither Node nor DOM globals, and its bridge callbacks are gone once taken (so the check above can fail)', () => {
    const probe = path.join(ISOLATE_DIR, 'probe.ts');
    const found = isolateDiagnostics({
      [probe]: "export const a = process.env;\nexport const b = setTimeout;\nexport const c = document;\nexport const d: string = __enfyraHost('s', 1, 'op', '[]', '');\n",
    }).join('\n');
    expect(found).toMatch(/Cannot find name 'process'/);
    expect(found).toMatch(/Cannot find name 'setTimeout'/);
    expect(found).toMatch(/Cannot find name 'document'/);
    expect(found).toMatch(/Cannot invoke an object which is possibly 'undefined'/);
  });

  it('is left out of the root program, which still sees the protocol the two share', () => {
    const { fileNames } = parsedConfig(path.join(PROJECT_ROOT, 'tsconfig.json'));
    const relative = fileNames.map((f) => path.relative(PROJECT_ROOT, f));
    expect(relative.filter((f) => f.startsWith('runtime/sandbox/isolate/'))).toEqual([]);
    expect(relative).toContain('runtime/sandbox/protocol.ts');
    expect(relative).toContain('runtime/sandbox/isolate-bundle.ts');
  });
});

describe('the bundle', () => {
  it('run from the sources, is bundled from them (a change under runtime/sandbox/isolate/ is seen without a build)', () => {
    expect(isolateBundle()).toBe(buildIsolateBundle());
  });

  it('lowers nothing: no esbuild helper for newer syntax (its target is the isolate tsconfig\'s)', () => {
    const helpers = isolateBundle().match(/\b__(async|await|privateAdd|privateGet|privateSet|privateMethod|publicField|spreadValues|spreadProps|objRest|forAwait|using|callDispose|name|pow|template|generator)\b/g);
    expect(helpers).toBeNull();
  });
});

describe('what a script sees of it', () => {
  const transaction: HostModule = {
    path: '$transaction',
    methods: Object.fromEntries(['begin', 'commit', 'rollback'].map((name) => [name, { kind: 'async' as const, call: () => undefined }])),
  };
  const { sandbox, run } = testSandbox({}, [createEchoModule(), transaction]);
  afterAll(() => sandbox.close());

  it('the functions it can reach keep the names they have in the source (the bundler renames a name that collides)', async () => {
    const r = await run(`return [
      console.log.name, console.error.name, require.name, typeof require.prototype,
      URL.name, URLSearchParams.name, TextEncoder.name, TextDecoder.name, URL.canParse.name,
      $ctx.$throw.http.name, $ctx.$throw.notFound.name, $ctx.$throw['404'].name, $ctx.$transaction.run.name,
      $ctx.$logs.name, $ctx.$test.echo.name,
    ]`);
    expect(r.error).toBeNull();
    expect(r.data).toEqual([
      'consoleLog', 'consoleLog', 'require', 'object',
      'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'canParse',
      'http', 'fn', 'fn', 'run',
      '', '',
    ]);
  });

  it('reports every field of the protocol\'s RETURNED_FIELDS a hook set, and no other', async () => {
    const r = await run(`for (const field of ${JSON.stringify(RETURNED_FIELDS)}) $ctx[field] = { changedBy: field }; $ctx.$params = 'not returned';`);
    expect(r.error).toBeNull();
    expect(r.changed).toEqual(Object.fromEntries(RETURNED_FIELDS.map((field) => [field, { changedBy: field }])));
  });
});
