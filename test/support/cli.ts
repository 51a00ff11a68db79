/** Spawns the CLI, run from source (ENFYRA_RUN_FROM_SOURCE=1: no build needed), in a throw-away copy of the project. */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
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

/** A temp folder holding the project's hooks, fixtures and config, so runs never touch the repo's .enfyra/. */
export function scratchProject(extraFiles: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-cli-'));
  for (const entry of ['hooks', 'fixtures', 'enfyra.config.json']) {
    cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  for (const [name, text] of Object.entries(extraFiles)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; viaShebang?: boolean }): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ENFYRA_RUN_FROM_SOURCE: '1', ...options.env };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  if (options.env?.REDIS_URL) env.REDIS_URL = options.env.REDIS_URL;
  const [command, argv] = options.viaShebang ? [BIN, args] : [process.execPath, ['--no-node-snapshot', BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
