/** Timed child processes (wall time from spawn to exit, as a shell would see it). */
import { spawn } from 'node:child_process';

/** Runs `cmd args`, resolves { ms, code, stdout, stderr }. */
export function timedSpawn(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

/** Like timedSpawn, but rejects unless the exit code is 0. */
export async function mustSpawn(cmd, args, options = {}) {
  const r = await timedSpawn(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}
