/**
 * Every command and hook shown in README.md, CONTRIBUTING.md and docs/ runs, in a scratch copy of the project, and does what
 * the page says (exit code, status). The conventions for code blocks are in test/support/doc-snippets.ts.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, PROJECT_ROOT, scratchProject } from '../support/cli.ts';
import { CODE_LANGS, SHELL_LANGS, readSnippets, shellCommands, type Snippet } from '../support/doc-snippets.ts';

const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...(existsSync(path.join(PROJECT_ROOT, 'docs'))
    ? readdirSync(path.join(PROJECT_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join('docs', f))
    : []),
].sort();

/** Shell lines the docs show but this test does not run (set-up the machine, or the test suite itself). */
const NOT_RUN = [/^npm (ci|test|install|run \S+)\b/, /^\.\s+scripts\/use-node24\.sh$/, /^source\s/, /^export\s/, /^cd\s/, /^git\s/, /^(sudo\s+)?apt-get\s/, /^node --version$/];

/** A page runs its commands one after another, each a process start: a guide with twenty of them needs minutes on a busy 2-core machine. */
const PAGE_TIMEOUT_MS = 240_000;

const ENFYRA_RUN = /^(?:\w+=\S*\s+)*(?:npx\s+)?enfyra-run(?:\s|$)/;

const ROOT_URL = pathToFileURL(path.join(PROJECT_ROOT, 'runtime/index.ts')).href;
const TESTING_URL = pathToFileURL(path.join(PROJECT_ROOT, 'runtime/replay/testing.ts')).href;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with bash in the scratch project; `enfyra-run` and `npx` are shims onto this checkout's CLI. */
function sh(command: string, cwd: string, shims: string): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${shims}:${process.env.PATH}`, NO_COLOR: '1', ENFYRA_RUN_FROM_SOURCE: '1' };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function makeShims(dir: string): string {
  const shims = path.join(dir, '.doc-shims');
  mkdirSync(shims, { recursive: true });
  writeFileSync(path.join(shims, 'enfyra-run'), `#!/bin/sh\nexec "${process.execPath}" --no-node-snapshot "${BIN}" "$@"\n`);
  writeFileSync(path.join(shims, 'npx'), `#!/bin/sh\nexec "$@"\n`);
  chmodSync(path.join(shims, 'enfyra-run'), 0o755);
  chmodSync(path.join(shims, 'npx'), 0o755);
  return shims;
}

const where = (s: Snippet, line = s.line) => `${s.doc}:${line}`;

describe.each(DOCS)('%s', (doc) => {
  const snippets = readSnippets(path.join(PROJECT_ROOT, doc), doc);

  it('every code block names its language (`text` for output and synopses), so none shows a command unchecked', () => {
    expect(snippets.filter((s) => s.lang === '').map((s) => where(s))).toEqual([]);
  });

  it('a block shown but not run says why (norun="reason")', () => {
    const bare = snippets.filter((s) => s.attrs.norun !== undefined && (typeof s.attrs.norun !== 'string' || s.attrs.norun.trim().length < 10));
    expect(bare.map((s) => where(s))).toEqual([]);
  });

  it('every code block that shows code says how it is executed', () => {
    const unmarked = snippets.filter(
      (s) => CODE_LANGS.has(s.lang) && !s.attrs.hook && !s.attrs.file && !s.attrs.api && typeof s.attrs.norun !== 'string',
    );
    expect(unmarked.map((s) => where(s)), 'add hook, file=…, api or norun="reason" after the language').toEqual([]);
  });

  const runnable = snippets.some(
    (s) => SHELL_LANGS.has(s.lang) || (CODE_LANGS.has(s.lang) && (s.attrs.hook || s.attrs.api)),
  );
  it.skipIf(!runnable)('its commands and hooks run as the page says (skipped only where the page shows none)', async () => {
    const dir = scratchProject();
    const shims = makeShims(dir);
    const failures: string[] = [];
    for (const s of snippets) {
      if (typeof s.attrs.file === 'string') {
        const target = path.join(dir, s.attrs.file);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, s.text + '\n');
        continue;
      }
      if (SHELL_LANGS.has(s.lang) && s.attrs.norun === undefined) {
        for (const command of shellCommands(s)) {
          // `npm ci && npx enfyra-run …`: the set-up part is the machine's, the rest runs.
          const parts = command.text.split(/\s+&&\s+/).filter((part) => !NOT_RUN.some((re) => re.test(part)));
          if (parts.length === 0) continue;
          const unknown = parts.filter((part) => !ENFYRA_RUN.test(part));
          if (unknown.length) {
            failures.push(`${where(s, command.line)}: a command this test cannot run: ${unknown.join(' && ')}`);
            continue;
          }
          const r = await sh(parts.join(' && '), dir, shims);
          if (r.code !== command.exit) {
            failures.push(`${where(s, command.line)}: \`${command.text}\` exited ${r.code}, the page says ${command.exit}\n${r.stderr || r.stdout}`);
          }
        }
        continue;
      }
      if (s.attrs.norun !== undefined) continue;
      if (CODE_LANGS.has(s.lang) && s.attrs.hook) {
        const ext = s.lang.startsWith('t') ? 'ts' : 'js';
        const file = path.join('.doc-hooks', `${path.basename(doc, '.md')}-${s.line}.${ext}`);
        mkdirSync(path.join(dir, '.doc-hooks'), { recursive: true });
        writeFileSync(path.join(dir, file), s.text);
        const args = typeof s.attrs.args === 'string' ? s.attrs.args : '';
        const r = await sh(`enfyra-run ${file} --json ${args}`, dir, shims);
        let status: number | undefined;
        try {
          status = (JSON.parse(r.stdout) as { statusCode: number }).statusCode;
        } catch {
          failures.push(`${where(s)}: the hook gave no result (exit ${r.code}): ${r.stderr || r.stdout}`);
          continue;
        }
        const expected = typeof s.attrs.status === 'string' ? Number(s.attrs.status) : undefined;
        if (expected === undefined ? status >= 400 : status !== expected) {
          failures.push(`${where(s)}: the hook answered ${status}${expected ? `, the page says ${expected}` : ''}: ${r.stdout}`);
        }
        continue;
      }
      if (CODE_LANGS.has(s.lang) && s.attrs.api) {
        const file = path.join(dir, `.doc-api-${s.line}.mjs`);
        writeFileSync(file, s.text.replaceAll(`from 'enfyra-run'`, `from '${ROOT_URL}'`).replaceAll(`from 'enfyra-run/testing'`, `from '${TESTING_URL}'`));
        const r = await sh(`"${process.execPath}" --no-node-snapshot ${JSON.stringify(file)}`, dir, shims);
        if (r.code !== 0) failures.push(`${where(s)}: the program exited ${r.code}: ${r.stderr || r.stdout}`);
      }
    }
    expect(failures).toEqual([]);
  }, PAGE_TIMEOUT_MS);
});
