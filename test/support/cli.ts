/** Spawns the CLI, run from source (ENFYRA_RUN_FROM_SOURCE=1: no build needed), in a throw-away copy of the project. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(PROJECT_ROOT, 'bin/enfyra-run.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temp folder holding the project's hooks, routes, flows, fixtures and config, so runs never touch the repo's .enfyra/. */
export function scratchProject(extraFiles: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-cli-'));
  for (const entry of ['hooks', 'routes', 'flows', 'fixtures', 'enfyra.config.json']) {
    cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  // The packages this checkout has installed, as a project's own (fixtures/packages lists one).
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return writeTree(dir, extraFiles);
}

/** A new temp folder holding only `files` (relative path → content). */
export function tempFolder(files: Record<string, string | Buffer> = {}): string {
  return writeTree(mkdtempSync(path.join(tmpdir(), 'enfyra-folder-')), files);
}

function writeTree(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  viaShebang?: boolean;
  /** `node bin/enfyra-run.js` without --no-node-snapshot: the bin re-runs itself with the flag. */
  plainNode?: boolean;
  /** Run this shell command line instead of the CLI (`sh -c`), in the same environment. */
  shell?: string;
  /** Text written to the CLI's standard input (closed after it); default: no input. */
  stdin?: string | Buffer;
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const running = spawnCli(args, options);
  return running.done;
}

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited and its output is complete. */
  readonly done: Promise<CliResult>;
  /** Resolves once the output (one stream, or both in arrival order) matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
}

/** The CLI as a running child process, for tests that signal it or watch its output as it comes. */
export function spawnCli(args: string[], options: CliOptions): RunningCli {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ENFYRA_RUN_FROM_SOURCE: '1', ...options.env };
  // The test runner itself runs under npm (npm_* variables): the CLI must not think a parent forwards signals.
  for (const name of Object.keys(env)) if (name.startsWith('npm_') && !(options.env && name in options.env)) delete env[name];
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  if (options.env?.REDIS_URL) env.REDIS_URL = options.env.REDIS_URL;
  if (options.env?.DATABASE_URL) env.DATABASE_URL = options.env.DATABASE_URL;
  const [command, argv] = options.shell !== undefined
    ? ['sh', ['-c', options.shell]]
    : options.viaShebang
    ? [BIN, args]
    : [process.execPath, [...(options.plainNode ? [] : ['--no-node-snapshot']), BIN, ...args]];
  const child = spawn(command, argv, { cwd: options.cwd, env, stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  // Both streams in the order their output arrived.
  let both = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    both += d;
    changed();
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    both += d;
    changed();
  });
  let exited = false;
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      changed();
      resolve({ code: code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9) : null), stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitFor(pattern, stream) {
      const text = () => (stream === 'stdout' ? stdout : stream === 'stderr' ? stderr : both);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(text())) {
            listeners.delete(check);
            resolve();
          } else if (exited) {
            listeners.delete(check);
            reject(new Error(`the CLI exited before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}
