/**
 * `enfyra-run`: the command-line contract of DESIGN §4. Exit codes: 0 the
 * hook answered below 400, 1 the hook failed, 2 usage or configuration error
 * (one line on stderr).
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { reportFailure } from './report-failure.ts';
import { keepAlive } from '../shared/keep-alive.ts';
import { UsageError } from './usage-error.ts';

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

const CONFIG_HELP = 'config file (default: enfyra.config.json in this folder or the nearest one above, up to the project top folder)';

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
  enfyra-run init                                       a config, a hook and a fixture in this folder
  enfyra-run hooks/hello.js --params id=123 --json      run one hook (see: enfyra-run run --help)
  enfyra-run dev --port 3000                            serve routes/ and every table over HTTP (inspector at /__enfyra)
  enfyra-run request GET '/products?limit=2' --json     one request through the same pipeline, no server
  enfyra-run replay                                     replay every fixture under fixtures/requests/
  enfyra-run flow welcome --payload '{"name":"Ada"}'    run a local flow (flows/welcome.json)
  enfyra-run db reset                                   recreate the database tables from fixtures/

Environment: REDIS_URL (Redis cache), DATABASE_URL (PostgreSQL/MySQL/MariaDB), NODE_NAME (cache namespace).`,
    );

  program
    .command('run <hook>', { isDefault: true })
    .description('run one hook file (the default command: `enfyra-run hooks/x.js` is `enfyra-run run hooks/x.js`); "-" reads the hook from standard input')
    .option('--params <k=v|json>', '$ctx.$params: key=value (repeatable) or a JSON object', collect)
    .option('--query <k=v|json>', '$ctx.$query: key=value (repeatable) or a JSON object', collect)
    .option('--body <json|@file>', '$ctx.$body: JSON text or @path/to/file.json (its text is $ctx.$req.rawBody)')
    .option('--raw-body <text|@file>', '$ctx.$req.rawBody exactly (e.g. a signed webhook payload); $ctx.$body is parsed from it unless --body is given')
    .option('--user <json|@file>', "$ctx.$user: JSON text or @file, a user row (default: the local root admin; see docs/hooks-and-ctx.md)")
    .option('--anonymous', 'run as an anonymous request ($ctx.$user = null)')
    .option('--method <method>', '$ctx.$req.method (default GET)')
    .option('--url <path>', '$ctx.$req.url, path and query string (default /); the query string fills $ctx.$query')
    .option('--header <"name: value">', 'a request header (repeatable)', collect)
    .option('--ip <address>', '$ctx.$req.ip (default 127.0.0.1)')
    .option('--table <name>', 'the table behind $ctx.$repos.main')
    .option('--config <path>', CONFIG_HELP)
    .option('--json', 'print the result envelope as one JSON object')
    .option('--strict', 'a warning fails the run (exit 1); default: compat.strict in the config')
    .option('--watch', 'run again whenever the hook, the config or the schema changes (Ctrl-C to stop)')
    .option('--record <dir>', 'also write the run as a replayable fixture in this folder')
    .option('--file <path[:field]>', '$ctx.$uploadedFile: upload this file (POST/PATCH; Enfyra reads the field "file")')
    .option('--kind <kind>', 'run as preHook, handler, postHook, flowStep, websocket, bootstrap or graphql (that kind\'s $ctx)')
    .option('--event <name>', 'with --kind websocket: the event handler (default: the connection handler); --url is the gateway')
    .option('--args <json|@file>', 'with --kind graphql: $ctx.$args')
    .option('--out <file>', 'write a $res.stream body to this file (default: stdout, the summary then goes to stderr)')
    .option('--inspect [port]', 'let a debugger attach (Chrome DevTools, VS Code; default port 9229) and wait for it; local use only (docs/debugging.md)', parseInspectPort('--inspect'))
    .option('--inspect-brk [port]', 'as --inspect, and pause on the hook\'s first statement', parseInspectPort('--inspect-brk'))
    .option('--coverage [dir]', 'write which lines of the hook ran to <dir>/lcov.info (default dir: coverage) and a summary to stderr')
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run hooks/hello.js --params id=123
  enfyra-run hooks/invalidate-on-update.js --method PATCH --params id=1 --body '{"price": 12.5}' --json
  enfyra-run hooks/hello.js --params id=1 --strict
  enfyra-run - --params id=7 < hooks/hello.js
  enfyra-run hooks/hello.js --watch
  enfyra-run hooks/hello.js --inspect-brk               debug it in Chrome (chrome://inspect) or VS Code

Data prints as JSON (colored on a terminal), ready to paste into a fixture.
Exit codes: 0 status < 400, 1 the hook failed (or warned, under --strict), 2 usage or configuration error,
130 interrupted (Ctrl-C; a second Ctrl-C quits at once).`,
    )
    .action(async (hook: string, flags) => {
      if (flags.watch) {
        const debugFlag = ['inspect', 'inspectBrk', 'coverage'].find((name) => flags[name] !== undefined);
        if (debugFlag) throw new UsageError(`--watch cannot be combined with --${debugFlag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
        const { watchRun } = await import('./watch-command.ts');
        process.exitCode = await watchRun(hook, flags);
        return;
      }
      const { runCommand } = await import('./run-command.ts');
      process.exitCode = await runCommand(hook, flags);
    });

  program
    .command('dev')
    .description("serve the project's routes over HTTP with Enfyra's pipeline (routes/ files and every table's /<table> route)")
    .option('--port <n>', 'port to listen on (default 1105, Enfyra\'s; 0 picks a free one)', (v) => parsePortFlag(v))
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--record <dir>', 'write every request as a replayable fixture in this folder')
    .option('--config <path>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Route files, hot reload, the inspector and recording: docs/dev-server.md.
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
    .option('--config <path>', CONFIG_HELP)
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
    .description('replay recorded fixture requests against their hooks (for CI); default path: fixtures/requests/')
    .option('--config <path>', CONFIG_HELP)
    .addOption(new Option('--reporter <name>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .option('--out <file>', 'write the json/junit report to this file, its folder created if missing (the text report still goes to stdout)')
    .option('--update', 'rewrite expected values in fixture files from the actual results (never a syntax error)')
    .option('--real', 'use the configured cache and database instead of fresh in-memory copies')
    .option('--jobs <n>', 'fixture files run at once', (v) => positiveInt('--jobs', v))
    .option('--filter <text>', 'only fixtures whose file or name contains text')
    .option('--strict', 'a fixture whose hooks warn fails; default: compat.strict in the config')
    .option('--watch', 'replay again whenever a hook, a fixture, the config or the schema changes (Ctrl-C to stop)')
    .option('--coverage [dir]', 'write which lines of each hook the fixtures ran to <dir>/lcov.info (default dir: coverage), with a summary')
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run replay                                      every fixture under fixtures/requests/
  enfyra-run replay fixtures/requests/hello.json         one file (or a folder)
  enfyra-run replay --filter hello --strict
  enfyra-run replay --reporter junit --out reports/replay.xml
  enfyra-run replay --update                             rewrite expectations from what the hooks return now
  enfyra-run replay --watch
  enfyra-run replay --coverage                           also coverage/lcov.info: the lines each hook ran

Exit codes: 0 all passed, 1 a fixture failed, 2 a fixture file is invalid (or a usage/configuration error),
130 interrupted.`,
    )
    .action(async (paths: string[], flags) => {
      // Loaded when used: the replay machinery is not part of `enfyra-run <hook>` start-up.
      if (flags.watch) {
        if (flags.coverage !== undefined) throw new UsageError('--watch cannot be combined with --coverage');
        const { watchReplay } = await import('./watch-command.ts');
        process.exitCode = await watchReplay(paths, flags);
        return;
      }
      const { replayCommand } = await import('./replay-command.ts');
      process.exitCode = await replayCommand(paths, flags);
    });

  program
    .command('flow <name>')
    .description('run a local flow (config flows.dir) as Enfyra\'s flow worker runs a triggered job')
    .option('--payload <json|@file>', '$ctx.$flow.$payload (and $ctx.$body) of every step')
    .option('--user <json|@file>', 'the user who triggered it ($ctx.$user; default null, as for a schedule)')
    .option('--config <path>', CONFIG_HELP)
    .option('--json', 'print the result envelope as one JSON object')
    .action(async (name: string, flags) => {
      const { flowCommand } = await import('./flow-command.ts');
      process.exitCode = await flowCommand(name, flags);
    });

  const db = program
    .command('db')
    .description('manage the database behind $ctx.$repos (the SQLite file, or PostgreSQL/MySQL/MariaDB from DATABASE_URL)')
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run db reset
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test enfyra-run db reset`,
    )
    // `enfyra-run db` alone: its help, on stdout, as for --help.
    .action(() => {
      db.outputHelp();
    });
  db.command('reset')
    .description('drop and recreate the tables from the schema and seed files under fixtures/ (deletes their rows)')
    .option('--config <path>', CONFIG_HELP)
    .action(async (flags) => {
      const { dbResetCommand } = await import('./db-command.ts');
      process.exitCode = await dbResetCommand(flags);
    });

  program
    .command('init [folder]')
    .description('set up a project: config, a hook, a fixture, jsconfig.json and the $ctx types; never overwrites a file without --force')
    .option('--force', 'overwrite files that already exist')
    .addHelpText(
      'after',
      `
Examples:
  enfyra-run init                  in this folder (empty, or an existing project)
  enfyra-run init my-hooks         in a new folder
  enfyra-run init --force          put back the starter files, overwriting them`,
    )
    .action(async (folder: string | undefined, flags) => {
      const { initCommand } = await import('./init-command.ts');
      process.exitCode = await initCommand(folder ?? '.', flags);
    });

  return program;
}

function parsePortFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${value}")`);
  return n;
}

/** `--inspect=9230`: commander hands over the text after `=` (a bare `--inspect` is `true`). */
function parseInspectPort(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      throw new UsageError(`${flag} takes a port from 0 to 65535 (got "${value}"); write ${flag}=<port>, or put ${flag} after the hook file`);
    }
    return n;
  };
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number above 0 (got "${value}")`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // No arguments: what the tool does and how to start, as --help says it.
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    // Connections are unref'd (an idle runtime never holds a program open): the command holds it open itself.
    await keepAlive(program.parseAsync(argv, { from: 'user' }));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportFailure(err);
  }
}
