/** What a new user meets first: finding the config, help, output, standard input, --strict, bad files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, scratchProject, tempFolder } from '../support/cli.ts';

const json = (stdout: string) => JSON.parse(stdout.trim());
const HELLO = readFileSync(path.join(PROJECT_ROOT, 'hooks/hello.js'), 'utf8');
// A fresh key each run: the lock a run leaks (for 60 s) never stops the next run from taking its own.
const LEAKS_LOCK = "await $ctx.$cache.acquire('k' + Math.random(), 1, 60000);\nreturn 'done';";


describe('the config is found the way other tools find theirs', () => {
  it('`cd hooks && enfyra-run hello.js` uses the project config one folder up', async () => {
    const dir = scratchProject();
    const r = await runCli(['hello.js', '--params', 'id=4', '--json'], { cwd: path.join(dir, 'hooks') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(json(r.stdout).data.id).toBe('4');
  });

  it('a new folder holding only hooks/hello.js runs it, from the folder and from hooks/', async () => {
    const dir = tempFolder({ 'hooks/hello.js': HELLO });
    for (const [cwd, hook] of [[dir, 'hooks/hello.js'], [path.join(dir, 'hooks'), 'hello.js']] as const) {
      const r = await runCli([hook, '--params', 'id=9', '--json'], { cwd });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(json(r.stdout).data).toEqual({ message: 'Hello, admin@localhost!', id: '9' });
    }
  });

  it('there, a hook that uses $repos is told which schema file is missing (exit 2, one line)', async () => {
    const dir = tempFolder({ 'hooks/rows.js': 'return await $ctx.$repos.products.find({});' });
    const r = await runCli(['hooks/rows.js'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^enfyra-run: cannot read .*fixtures\/schema\.json: ENOENT$/)]);
  });

  it('database.schema: null is accepted: hooks that do not use $repos run', async () => {
    const dir = tempFolder({ 'hooks/hello.js': HELLO, 'enfyra.config.json': '{"database": {"schema": null, "seed": null}}' });
    const r = await runCli(['hooks/hello.js', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
  });

  it('a database that no longer matches the schema is a configuration error (exit 2, one line), not a hook 500', async () => {
    const dir = scratchProject({ 'hooks/rows.js': 'return (await $ctx.$repos.products.find({ limit: 1 })).data.length;' });
    expect((await runCli(['db', 'reset'], { cwd: dir })).code).toBe(0);
    const schemaFile = path.join(dir, 'fixtures/schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    schema.products.columns.push({ name: 'barcode', type: 'varchar' });
    writeFileSync(schemaFile, JSON.stringify(schema));
    const r = await runCli(['hooks/rows.js', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^enfyra-run: database table "products" has no column "barcode".*enfyra-run db reset/)]);
  });
});

describe('help', () => {
  it('`enfyra-run` alone prints help on stdout, exit 0', async () => {
    const r = await runCli([], { cwd: tmpdir() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: enfyra-run /);
    expect(r.stdout).toContain('Examples:');
  });

  it('`enfyra-run db` alone prints its help on stdout, exit 0, and does not say SQLite only', async () => {
    const r = await runCli(['db'], { cwd: tmpdir() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: enfyra-run db /);
    expect(r.stdout).toContain('PostgreSQL');
    expect(r.stdout).not.toMatch(/embedded SQLite/);
  });

  it('replay help names fixtures/requests/ and never "the fixtures folder"', async () => {
    const r = await runCli(['replay', '--help'], { cwd: tmpdir() });
    expect(r.stdout).toContain('fixtures/requests/');
    expect(r.stdout).not.toContain('the fixtures folder');
  });

  it('every example in every --help runs as shown, exit 0 (but --watch, --inspect and dev, which wait for something else to end them)', async () => {
    const examples: string[] = [];
    for (const command of [[], ['run'], ['replay'], ['request'], ['db'], ['init']]) {
      const help = (await runCli([...command, '--help'], { cwd: tmpdir() })).stdout;
      const block = help.slice(help.indexOf('Examples:')).split('\n\n')[0]!.split('\n').slice(1);
      for (const line of block) examples.push(line.trim().split(/\s{2,}/)[0]!);
    }
    expect(examples.length).toBeGreaterThanOrEqual(15);
    const prefix = `ep${process.pid}_`;
    // --watch and dev never end by themselves, --inspect waits for a debugger: watch.test.ts, the dev server's
    // tests and test/debug run them.
    for (const example of examples.filter((e) => !e.includes('--watch') && !e.includes('--inspect') && !/^enfyra-run dev\b/.test(e))) {
      // A fresh copy per example; table names under a prefix of this test's own (the PostgreSQL example).
      const dir = scratchProject();
      const config = JSON.parse(readFileSync(path.join(dir, 'enfyra.config.json'), 'utf8'));
      writeFileSync(path.join(dir, 'enfyra.config.json'), JSON.stringify({ ...config, database: { ...config.database, tablePrefix: prefix } }));
      const bin = `'${process.execPath}' --no-node-snapshot '${path.join(PROJECT_ROOT, 'bin/enfyra-run.js')}'`;
      const r = await runCli([], { cwd: dir, shell: example.replace(/\benfyra-run\b/, bin) });
      // A warning may be printed (it names something to look at); nothing else may go to stderr.
      const stderr = r.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('enfyra-run: warning:'));
      expect({ example, code: r.code, stderr }).toEqual({ example, code: 0, stderr: [] });
    }
  }, 600_000);
});

describe('output', () => {
  it('data prints as JSON, whole: nothing cut below depth 8 or after 100 items', async () => {
    const deep = 'let v = "bottom"; for (let i = 0; i < 12; i++) v = { level: v };';
    const dir = tempFolder({ 'hooks/big.js': `${deep}\nreturn { items: Array.from({ length: 150 }, (_, i) => i), deep: v };` });
    const r = await runCli(['hooks/big.js'], { cwd: dir });
    expect(r.code).toBe(0);
    const data = r.stdout.slice(r.stdout.indexOf('data:\n') + 6).replace(/^ {2}/gm, '');
    expect(JSON.parse(data).items).toHaveLength(150);
    expect(r.stdout).toContain('"level": "bottom"');
    expect(r.stdout).not.toMatch(/more items|\[Object\]/);
  });

  it('warnings print as lines naming the hook file; --strict (or compat.strict) makes them fail the run, exit 1', async () => {
    const dir = tempFolder({ 'hooks/leak.js': LEAKS_LOCK, 'strict.json': '{"compat": {"strict": true}}' });
    const loose = await runCli(['hooks/leak.js'], { cwd: dir });
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/^warning: hooks\/leak\.js(:\d+)*: \$cache: the hook ended while still holding lock "k0\.\d+".*\[cache\.lock-leaked\]$/m);
    for (const args of [['--strict'], ['--config', 'strict.json']]) {
      const strict = await runCli(['hooks/leak.js', '--json', ...args], { cwd: dir });
      expect(strict.code).toBe(1);
      expect(json(strict.stdout).warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'cache.lock-leaked', file: 'hooks/leak.js' })]));
      expect(strict.stderr).toMatch(/--strict: a warning fails the run: hooks\/leak\.js.*\[cache\./);
    }
  });
});

describe('a hook from standard input', () => {
  it('`enfyra-run - < hook.js` runs it, named <stdin>.js', async () => {
    const dir = tempFolder({});
    const r = await runCli(['-', '--params', 'id=7'], { cwd: dir, stdin: HELLO });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ 200 <stdin>\.js/);
    expect(r.stdout).toContain('"id": "7"');
  });

  it('a syntax error names <stdin>.js and its line', async () => {
    const r = await runCli(['-', '--json'], { cwd: tempFolder({}), stdin: 'const a = 1;\nif (a {' });
    expect(r.code).toBe(1);
    expect(json(r.stdout).error.message).toContain('<stdin>.js:2');
  });

  const bad: Array<[string, string[], string | Buffer, RegExp]> = [
    ['empty input', ['-'], '', /standard input held no hook/],
    ['input that is not UTF-8', ['-'], Buffer.from([0x72, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x20, 0x27, 0xe9, 0x27]), /not UTF-8 text: byte 0xe9 at line 1, column 9/],
    ['--watch with standard input', ['-', '--watch'], HELLO, /--watch needs a hook file/],
  ];
  for (const [label, args, stdin, message] of bad) {
    it(`${label}: exit 2, one line`, async () => {
      const r = await runCli(args, { cwd: tempFolder({}), stdin });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    });
  }
});

describe('hook files that are not UTF-8', () => {
  it('are refused (exit 2) naming the file, the byte, the line and column; a UTF-8 byte-order mark is fine', async () => {
    const latin1 = Buffer.concat([Buffer.from("// caf"), Buffer.from([0xe9]), Buffer.from("\nreturn 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("return 'café';\n")]);
    const dir = tempFolder({ 'hooks/latin1.js': latin1, 'hooks/bom.js': withBom });
    const r = await runCli(['hooks/latin1.js'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('enfyra-run: hook file hooks/latin1.js is not UTF-8 text: byte 0xe9 at line 1, column 7 (save the file as UTF-8); Enfyra stores scripts as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
    const ok = await runCli(['hooks/bom.js', '--json'], { cwd: dir });
    expect(json(ok.stdout).data).toBe('café');
  });
});

describe('replay --out', () => {
  it('into a folder that does not exist yet: the folder is created', async () => {
    const dir = scratchProject();
    const r = await runCli(['replay', 'fixtures/requests/hello.json', '--reporter', 'junit', '--out', 'reports/ci/replay.xml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'reports/ci/replay.xml'), 'utf8')).toContain('<testsuites');
  });

  it('that cannot be written is refused before anything runs (exit 2, no fixture replayed)', async () => {
    const dir = scratchProject({ 'reports/taken/.keep': '', 'blocker': 'a file, not a folder' });
    for (const out of ['reports/taken', 'blocker/replay.xml']) {
      const r = await runCli(['replay', '--reporter', 'junit', '--out', out], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^enfyra-run: --out ${out}: `))]);
    }
  });
});

