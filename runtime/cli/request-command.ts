/**
 * `enfyra-run request <METHOD> <path>`: one request through the dev server's
 * pipeline, in-process, no server. Output and exit codes as `run`: the
 * envelope with --json (`data` is the response body), 0 below 400, 1 from
 * 400 on (or a warning under --strict), 2 for usage and config errors.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.ts';
import { exitCodeFor } from '../context/envelope.ts';
import { Recorder } from '../server/recording/recorder.ts';
import { ServedProject } from '../server/served-project.ts';
import type { PipelineRequest } from '../server/pipeline.ts';
import { colorsFor, formatEnvelope } from './output.ts';
import { headerFlags, jsonOrFile } from './request-flags.ts';
import { UsageError } from './usage-error.ts';

export interface RequestCommandFlags {
  body?: string;
  user?: string;
  header?: string[];
  config?: string;
  json?: boolean;
  strict?: boolean;
  record?: string;
}

export async function requestCommand(method: string, url: string, flags: RequestCommandFlags): Promise<number> {
  const cwd = process.cwd();
  const request = requestFrom(method, url, flags, cwd);
  const config = loadConfig({ configPath: flags.config, cwd });
  const recorder = flags.record ? new Recorder({ dir: path.resolve(cwd, flags.record), root: config.root }) : null;
  const project = await ServedProject.open({ config, trackReads: Boolean(recorder), onWarning: (m) => process.stderr.write(`enfyra-run: warning: ${m}\n`) });
  try {
    for (const problem of project.routes.problems) process.stderr.write(`enfyra-run: route problem: ${problem.file}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}\n`);
    const user = flags.user === undefined ? undefined : userFlag(flags.user, cwd);
    if (typeof user === 'string' || typeof user === 'number') {
      (request.headers as Record<string, string>).authorization = `Bearer ${await project.auth.sign(user)}`;
    } else if (user !== undefined) {
      request.userOverride = user;
    }
    const result = await project.pipeline.handle(request);
    if (recorder) {
      const file = await recorder.recordRequest(request, result, project.auth);
      process.stderr.write(`enfyra-run: recorded → ${path.relative(cwd, file)}\n`);
    }
    const label = `${request.method} ${request.url}`;
    process.stdout.write(flags.json ? JSON.stringify(result.envelope) + '\n' : formatEnvelope(label, result.envelope, colorsFor(process.stdout)));
    if (flags.strict && result.envelope.warnings.length > 0) return 1;
    return exitCodeFor(result.envelope);
  } finally {
    await project.close();
  }
}

function requestFrom(method: string, url: string, flags: RequestCommandFlags, cwd: string): PipelineRequest {
  if (!/^[A-Za-z]+$/.test(method)) throw new UsageError(`METHOD must be a word like GET or POST (got "${method}")`);
  if (!url.startsWith('/')) throw new UsageError(`the path must start with "/" (got "${url}"), like: enfyra-run request GET /products`);
  const headers: Record<string, string> = flags.header ? headerFlags(flags.header) : {};
  let rawBody: Buffer | null = null;
  if (flags.body !== undefined) {
    rawBody = flags.body.startsWith('@') ? readBodyFile(path.resolve(cwd, flags.body.slice(1))) : Buffer.from(flags.body);
    headers['content-type'] ??= 'application/json';
  }
  return { method: method.toUpperCase(), url, headers, rawBody, ip: '127.0.0.1', hostname: 'localhost', protocol: 'http' };
}

function readBodyFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`--body: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * `--user`: a user id (digits or a uuid: the request carries a token for that
 * user, who is loaded from enfyra_user as Enfyra does), or a JSON object /
 * @file used as `$user` as it is.
 */
function userFlag(value: string, cwd: string): string | number | Record<string, unknown> {
  if (/^\d+$/.test(value)) return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (/^[0-9a-fA-F-]{36}$/.test(value)) return value;
  const parsed = jsonOrFile('--user', value, cwd).value;
  if (typeof parsed === 'number' || typeof parsed === 'string') return parsed;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--user expects a user id (like --user 1) or a JSON object for $user (like --user \'{"id":1,"isRootAdmin":true}\')');
  }
  return parsed as Record<string, unknown>;
}
