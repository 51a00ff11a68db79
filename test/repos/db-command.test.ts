/**
 * `enfyra-run db reset` and the database as the CLI meets it: the summary it
 * prints (issue 18 defect 1), a reset while other runs write to the same
 * SQLite file (defect 5), and hooks that never touch `$repos` without a
 * schema file (defect 2).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../runtime/repos/knex-database.ts';
import { connectServer } from '../../runtime/repos/connection.ts';
import { dropTables } from '../../runtime/repos/ddl.ts';
import { loadFixtures } from '../../runtime/repos/fixtures.ts';
import { runCli, scratchProject, PROJECT_ROOT } from '../support/cli.ts';
import { postgresTestDatabase, uniqueTablePrefix } from '../support/databases.ts';

const dirs: string[] = [];
const project = (files: Record<string, string> = {}) => {
  const dir = scratchProject(files);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const WRITER = `
let written = 0;
for (let i = 0; i < 60; i++) {
  await $ctx.$repos.records.create({ data: { title: 'writer ' + $ctx.$params.n + ' ' + i } });
  written++;
}
return written;
`;

describe('enfyra-run db reset', () => {
  it('prints what it recreated on SQLite', async () => {
    const dir = project();
    const result = await runCli(['db', 'reset'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`database reset: 10 tables, 49 seed rows (${path.join(dir, '.enfyra', 'data.sqlite')})\n`);
    const again = await runCli(['db', 'reset'], { cwd: dir });
    expect(again.stdout).not.toContain('[object Object]');
    expect(again.code).toBe(0);
  });

  it('is safe while other runs write to the SQLite file: they wait, none fails, no error carries SQL', async () => {
    const dir = project({ 'hooks/writer.js': WRITER });
    expect((await runCli(['db', 'reset'], { cwd: dir })).code).toBe(0);
    const runs = await Promise.all([
      runCli(['hooks/writer.js', '--params', 'n=1', '--json'], { cwd: dir }),
      runCli(['db', 'reset'], { cwd: dir }),
      runCli(['hooks/writer.js', '--params', 'n=2', '--json'], { cwd: dir }),
      runCli(['db', 'reset'], { cwd: dir }),
    ]);
    for (const run of runs) {
      expect(run.stderr + run.stdout).not.toMatch(/readonly|disk I\/O|insert into|SQLITE_/i);
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
    for (const writer of [runs[0]!, runs[2]!]) expect(JSON.parse(writer.stdout).data).toBe(60);
    const check = await runCli(['hooks/writer.js', '--params', 'n=3', '--json'], { cwd: dir });
    expect(JSON.parse(check.stdout).data).toBe(60);
  }, 180_000);
});

describe('a project without a schema file', () => {
  it('runs hooks that do not use $repos; a hook that does is told the schema file is missing', async () => {
    const dir = project({ 'hooks/repos.js': 'return await $ctx.$repos.records.find();' });
    rmSync(path.join(dir, 'fixtures', 'schema.json'));
    const hello = await runCli(['hooks/hello.js', '--json'], { cwd: dir });
    expect(hello.code, hello.stderr).toBe(0);
    const repos = await runCli(['hooks/repos.js', '--json'], { cwd: dir });
    expect(repos.code).not.toBe(0);
    expect(repos.stdout + repos.stderr).toMatch(/cannot read .*fixtures[/\\]schema\.json: ENOENT/);
  });

  it('database.schema: null means no tables, and no file is looked for', async () => {
    const dir = project({
      'enfyra.config.json': JSON.stringify({ database: { schema: null, seed: null } }),
      'hooks/repos.js': 'return await $ctx.$repos.records.find();',
    });
    rmSync(path.join(dir, 'fixtures'), { recursive: true });
    const hello = await runCli(['hooks/hello.js', '--json'], { cwd: dir });
    expect(hello.code, hello.stderr).toBe(0);
    const repos = await runCli(['hooks/repos.js', '--json'], { cwd: dir });
    expect(JSON.parse(repos.stdout).error.message).toBe('Script execution failed: Repo method not found: records.find (no tables: database.schema names no schema file)');
  });
});

const pg = await postgresTestDatabase();
describe.skipIf(pg.skipReason !== null)(`enfyra-run db reset on PostgreSQL${pg.skipReason ? ` (skipped: ${pg.skipReason})` : ''}`, () => {
  it('prints what it recreated, with the url but not its password', async () => {
    const prefix = uniqueTablePrefix();
    const url = new URL(pg.config.url!);
    url.password = 'secret';
    const dir = project({ 'enfyra.config.json': JSON.stringify({ database: { client: 'pg', url: pg.config.url, tablePrefix: prefix } }) });
    try {
      const result = await runCli(['db', 'reset'], { cwd: dir });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^database reset: 10 tables, 49 seed rows \(postgres:\/\/.*\)\n$/);
      expect(result.stdout).not.toContain('[object Object]');
      writeFileSync(path.join(dir, 'enfyra.config.json'), JSON.stringify({ database: { client: 'pg', url: url.toString(), tablePrefix: prefix } }));
      const redacted = await runCli(['db', 'reset'], { cwd: dir });
      expect(redacted.stdout + redacted.stderr).not.toContain('secret');
    } finally {
      const fixtures = loadFixtures({ schema: path.join(PROJECT_ROOT, 'fixtures/schema.json'), seed: null });
      const db = createDatabase(connectServer('pg', pg.config.url!), 'pg', fixtures.schema, prefix);
      await dropTables(db);
      await db.close();
    }
  });
});

