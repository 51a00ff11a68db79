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
  enfyra-run dev --port 3000                            serve routes/ and every table over HTTP (inspector at /__enfyra)
  enfyra-run request GET '/products?limit=2' --json     one request through the same pipeline, no server
  enfyra-run replay                                     replay every fixture under fixtures/requests/
  enfyra-run flow order-paid --payload '{"orderId":1}'  run a local flow (flows/order-paid.json)
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
    .option('--record <dir>', 'also write the run as a replayable fixture in this folder')
    .option('--file <path[:field]>', '$ctx.$uploadedFile: upload this file (POST/PATCH; Enfyra reads the field "file")')
    .option('--kind <kind>', 'run as preHook, handler, postHook, flowStep, websocket, bootstrap or graphql (that kind\'s $ctx)')
    .option('--event <name>', 'with --kind websocket: the event handler (default: the connection handler); --url is the gateway')
    .option('--args <json|@file>', 'with --kind graphql: $ctx.$args')
    .option('--out <file>', 'write a $res.stream body to this file (default: stdout, the summary then goes to stderr)')
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
    .command('dev')
    .description("serve the project's routes over HTTP with Enfyra's pipeline (routes/ files and every table's /<table> route)")
    .option('--port <n>', 'port to listen on (default 1105, Enfyra\'s; 0 picks a free one)', (v) => parsePortFlag(v))
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--record <dir>', 'write every request as a replayable fixture in this folder')
    .option('--config <path>', 'config file (default ./enfyra.config.json)')
    .addHelpText(
      'after',
      `
Route files, hot reload, the inspector and recording: README, "Routes" and "The dev server".
Stop with Ctrl-C: requests in flight finish, held locks are released, exit code 0.`,
    )
    .action(async (flags) => {
      const { devCommand } = await import('./dev-command.ts');
      process.exitCode = await devCommand(flags);
    });

  program
    .command('request <method> <path>')
    .description('send one request through the dev server pipeline, without a server')
    .option('--body <text|@file>', 'request body (sent as application/json unless --header says otherwise)')
    .option('--user <id|json|@file>', 'a user id: signs a token for that enfyra_user row; or a JSON object used as $user (default: anonymous)')
    .option('--header <"name: value">', 'a request header (repeatable)', collect)
    .option('--record <dir>', 'write the request as a replayable fixture in this folder')
    .option('--config <path>', 'config file (default ./enfyra.config.json)')
    .option('--json', 'print the result envelope as one JSON object (data: the response body)')
    .option('--strict', 'warnings fail the request (exit 1)')
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run request GET '/products?limit=2&sort=-id'
  enfyra-run request POST /products --body '{"name":"Pen","slug":"pen","price":2}' --user 1 --json

Exit codes: 0 status < 400, 1 status >= 400 (or a warning with --strict), 2 usage or configuration error.`,
    )
    .action(async (method: string, path: string, flags) => {
      const { requestCommand } = await import('./request-command.ts');
      process.exitCode = await requestCommand(method, path, flags);
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

  program
    .command('flow <name>')
    .description('run a local flow (config flows.dir) as Enfyra\'s flow worker runs a triggered job')
    .option('--payload <json|@file>', '$ctx.$flow.$payload (and $ctx.$body) of every step')
    .option('--user <json|@file>', 'the user who triggered it ($ctx.$user; default null, as for a schedule)')
    .option('--config <path>', 'config file (default ./enfyra.config.json)')
    .option('--json', 'print the result envelope as one JSON object')
    .action(async (name: string, flags) => {
      const { flowCommand } = await import('./flow-command.ts');
      process.exitCode = await flowCommand(name, flags);
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

function parsePortFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${value}")`);
  return n;
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
