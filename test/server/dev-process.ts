/** `enfyra-run dev` as a child process, for tests that need a real socket, signals and file watching. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../support/cli.ts';

export interface DevProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (the event log) contains `text`. */
  waitForLog(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal; resolves with the exit code and the output. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startDev(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<DevProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ENFYRA_RUN_FROM_SOURCE: '1', ...env };
  if (!env.REDIS_URL) delete childEnv.REDIS_URL;
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, 'dev', '--port', '0', ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d) => {
    out += d;
    waiters.forEach((w) => w());
  });
  child.stderr!.on('data', (d) => {
    err += d;
    waiters.forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (test: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
      const check = () => {
        if (!test()) return;
        clearTimeout(timer);
        resolve();
      };
      waiters.push(check);
      void exited.then(() => {
        if (test()) return;
        clearTimeout(timer);
        reject(new Error(`dev server exited while waiting for ${what}\nstdout: ${out}\nstderr: ${err}`));
      });
    });
  return waitFor(() => /serving .* on (http:\/\/\S+) /.test(out), 'the dev server to listen', 30_000).then(() => {
    const url = /serving .* on (http:\/\/\S+) /.exec(out)![1]!;
    return {
      url,
      child,
      stdout: () => out,
      stderr: () => err,
      waitForLog: (text, timeoutMs = 15_000) => waitFor(() => (typeof text === 'string' ? err.includes(text) : text.test(err)), String(text), timeoutMs),
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        if (child.exitCode === null) child.kill(signal);
        const code = await exited;
        return { code, stdout: out, stderr: err };
      },
    };
  });
}

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}
