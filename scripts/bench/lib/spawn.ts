/** Timed child processes (wall time from spawn to exit, as a shell would see it). */
import { spawn, type SpawnOptions } from 'node:child_process';

export interface Timed {
  /** Wall time from spawn to exit. */
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args`, resolves { ms, code, stdout, stderr }. */
export function timedSpawn(cmd: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

/** Like timedSpawn, but rejects unless the exit code is 0. */
export async function mustSpawn(cmd: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): Promise<Timed> {
  const r = await timedSpawn(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}
