/**
 * `enfyra-run`: the command-line contract of DESIGN §6. Exit codes: 0 the
 * hook answered below 400, 1 the hook failed, 2 usage or configuration error
 * (one line on stderr).
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.ts';
import { HookFileError } from '../compile/hook-loader.ts';
import { UsageError } from './usage-error.ts';
import { runCommand } from './run-command.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function version(): string {
  // runtime/cli/ when run from source, dist/runtime/cli/ when built: the nearest package.json upward is ours.
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'enfyra-run') return pkg.version;
    } catch {
      // not here
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command('enfyra-run')
    .description('Run Enfyra hook scripts locally, sandboxed, with the same $ctx as production.')
    .version(version(), '-v, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run hooks/hello.js --params id=123 --json     run one hook (see: enfyra-run run --help)
  enfyra-run replay                                     replay every fixture under fixtures/requests/
  enfyra-run db reset                                   recreate .enfyra/data.sqlite from fixtures/

Environment: REDIS_URL (Redis cache), DATABASE_URL (PostgreSQL/MySQL), NODE_NAME (cache namespace).`,
    );

  program
    .command('run <hook>', { isDefault: true })
    .description('run one hook file (the default command: `enfyra-run hooks/x.js` is `enfyra-run run hooks/x.js`)')
    .option('--params <k=v|json>', '$ctx.$params: key=value (repeatable) or a JSON object', collect)
    .option('--query <k=v|json>', '$ctx.$query: key=value (repeatable) or a JSON object', collect)
    .option('--body <json|@file>', '$ctx.$body: JSON text or @path/to/file.json (its text is $ctx.$req.rawBody)')
    .option('--raw-body <text|@file>', '$ctx.$req.rawBody exactly (e.g. a signed webhook payload); $ctx.$body is parsed from it unless --body is given')
    .option('--user <json|@file>', "$ctx.$user: JSON text or @file, a user row (default: the local root admin; see README)")
    .option('--anonymous', 'run as an anonymous request ($ctx.$user = null)')
    .option('--method <method>', '$ctx.$req.method (default GET)')
    .option('--url <path>', '$ctx.$req.url, path and query string (default /); the query string fills $ctx.$query')
    .option('--header <"name: value">', 'a request header (repeatable)', collect)
    .option('--ip <address>', '$ctx.$req.ip (default 127.0.0.1)')
    .option('--table <name>', 'the table behind $ctx.$repos.main')
    .option('--config <path>', 'config file (default ./enfyra.config.json)')
    .option('--json', 'print the result envelope as one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run hooks/hello.js --params id=123
  enfyra-run hooks/update-product.js --method PATCH --params id=1 --body '{"price": 9.5}' --json
  REDIS_URL=redis://127.0.0.1:6379 enfyra-run hooks/cache-first.js --params id=1

Exit codes: 0 status < 400, 1 the hook failed, 2 usage or configuration error.`,
    )
    .action(async (hook: string, flags) => {
      process.exitCode = await runCommand(hook, flags);
    });

  program
    .command('replay [paths...]')
    .description('replay recorded fixture requests against their hooks (for CI); default path: the fixtures folder')
    .option('--config <path>', 'config file (default ./enfyra.config.json)')
    .addOption(new Option('--reporter <name>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .option('--out <file>', 'write the json/junit report to this file (the text report still goes to stdout)')
    .option('--update', 'rewrite expected values in fixture files from the actual results')
    .option('--real', 'use the configured cache and database instead of fresh in-memory copies')
    .option('--jobs <n>', 'fixture files run at once', (v) => positiveInt('--jobs', v))
    .option('--filter <text>', 'only fixtures whose file or name contains text')
    .action(async (paths: string[], flags) => {
      // Loaded when used: the replay machinery is not part of `enfyra-run <hook>` start-up.
      const { replayCommand } = await import('./replay-command.ts');
      process.exitCode = await replayCommand(paths, flags);
    });

  const db = program.command('db').description('manage the embedded SQLite database');
  db.command('reset')
    .description('recreate the database from the schema and seed files under fixtures/')
    .option('--config <path>', 'config file (default ./enfyra.config.json)')
    .action(async (flags) => {
      const { dbResetCommand } = await import('./db-command.ts');
      process.exitCode = await dbResetCommand(flags);
    });

  return program;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number above 0 (got "${value}")`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportFailure(err);
  }
}

function reportFailure(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here too.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    process.stderr.write(`enfyra-run: ${oneLine(err.message.replace(/^error: /, ''))} (see enfyra-run --help)\n`);
    return 2;
  }
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof HookFileError) {
    process.stderr.write(`enfyra-run: ${oneLine(err.message)}\n`);
    return 2;
  }
  process.stderr.write(`enfyra-run: internal error: ${oneLine((err as Error)?.stack ?? String(err))}\n`);
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
