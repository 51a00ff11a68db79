/**
 * `enfyra-run init [folder]`: what a project needs to run and replay a hook —
 * a config, a hook, a fixture for it, jsconfig.json and the `$ctx` types —
 * in an empty folder or beside an existing project's files. A file that
 * exists is left as it is unless --force; the report says what was created
 * and what was left.
 */
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../shared/usage-error.ts';

export interface InitFlags {
  force?: boolean;
}

const TYPES_FILE = 'types/enfyra-ctx.d.ts';
/** Referenced by TYPES_FILE: the members that reach outside the request. */
const MEMBER_TYPES_FILE = 'types/members.d.ts';

const CONFIG = {
  mode: 'development',
  hooksDir: 'hooks',
  fixturesDir: 'fixtures',
  cache: { driver: 'sqlite' },
  database: { client: 'sqlite', schema: 'fixtures/schema.json', seed: 'fixtures/seed.json' },
  compat: { strict: false },
};

const HOOK = `// A hook is the body of an async function: top-level await and return work, and
// the returned value is the response data. Run it:
//   enfyra-run hooks/hello.js --params name=Ada
const name = $ctx.$params.name ?? 'world';
$ctx.$logs(\`hello.js called for \${name}\`);
return { message: \`Hello, \${name}!\` };
`;

const FIXTURE = {
  name: 'hello greets by name',
  hook: 'hooks/hello.js',
  request: { params: { name: 'Ada' } },
  expect: { statusCode: 200, data: { message: 'Hello, Ada!' }, logs: ['hello.js called for Ada'] },
};

const GITIGNORE = '# enfyra-run: local cache and database files\n.enfyra/\nnode_modules/\n';

type Outcome = 'created' | 'overwrote' | 'left';

export async function initCommand(folder: string, flags: InitFlags, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  const root = path.resolve(folder);
  ensureFolder(root);
  const types = installedTypes(root);
  const files: Array<[string, () => string | { copyFrom: string }]> = [
    ['enfyra.config.json', () => json(CONFIG)],
    ['hooks/hello.js', () => HOOK],
    ['fixtures/requests/hello.json', () => json(FIXTURE)],
    ...(types === null
      ? ([
          [TYPES_FILE, () => ({ copyFrom: bundledTypes() })],
          [MEMBER_TYPES_FILE, () => ({ copyFrom: path.join(path.dirname(bundledTypes()), path.basename(MEMBER_TYPES_FILE)) })],
        ] as Array<[string, () => { copyFrom: string }]>)
      : []),
    ['jsconfig.json', () => json(jsconfig(types ?? TYPES_FILE))],
    ['.gitignore', () => GITIGNORE],
  ];
  // Checked before anything is written, so a refusal leaves the folder as it was.
  for (const [name] of files) {
    const file = path.join(root, name);
    if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`init: ${file} is a folder; move it away to let init write the file`);
  }
  const report: Array<[Outcome, string]> = files.map(([name, content]) => [write(root, name, content, Boolean(flags.force)), name]);

  const lines = [`enfyra-run init: ${root}`];
  for (const [outcome, name] of report) {
    lines.push(`  ${outcome.padEnd(9)} ${name}${outcome === 'left' ? ' (already there; --force overwrites it)' : ''}`);
  }
  if (types !== null) lines.push(`  using     ${types} (the installed package's $ctx types)`);
  const here = path.relative(process.cwd(), root);
  lines.push('', 'Next:', ...(here ? [`  cd ${here}`] : []), '  enfyra-run hooks/hello.js --params name=Ada', '  enfyra-run replay', '');
  out.write(lines.join('\n'));
  return 0;
}

function ensureFolder(root: string): void {
  let stat;
  try {
    stat = statSync(root);
  } catch {
    stat = null;
  }
  if (stat && !stat.isDirectory()) throw new UsageError(`init: ${root} is a file, not a folder`);
  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    throw new UsageError(`init: cannot create ${root} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function write(root: string, name: string, content: () => string | { copyFrom: string }, force: boolean): Outcome {
  const file = path.join(root, name);
  const exists = existsSync(file);
  if (exists && !force) return 'left';
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const text = content();
    if (typeof text === 'string') writeFileSync(file, text, { flag: force ? 'w' : 'wx' });
    else copyFileSync(text.copyFrom, file);
  } catch (err) {
    throw new UsageError(`init: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return exists ? 'overwrote' : 'created';
}

/** The types of an enfyra-run installed in the project (node_modules, here or above), relative to it; else null. */
function installedTypes(root: string): string | null {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules/enfyra-run', TYPES_FILE);
    if (existsSync(candidate)) return path.relative(root, candidate).split(path.sep).join('/');
    if (path.dirname(dir) === dir) return null;
  }
}

/** types/enfyra-ctx.d.ts of this package (runtime/cli/ from source, dist/runtime/cli/ when built). */
function bundledTypes(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, TYPES_FILE);
    if (existsSync(candidate) && existsSync(path.join(dir, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`init: ${TYPES_FILE} is missing from the enfyra-run package`);
  }
}

function jsconfig(types: string): unknown {
  return {
    compilerOptions: { target: 'ES2022', lib: ['ES2022'], types: [], checkJs: false },
    include: ['hooks/**/*.js', types],
  };
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
