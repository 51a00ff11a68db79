/**
 * Projects for the server tests: a temp folder with the repository's hooks
 * and fixtures, a schema extended with Enfyra's user and role tables, route
 * files given by the test, and helpers to open it in-process or to send it
 * requests.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../../runtime/config/load.ts';
import type { EnfyraConfigInput } from '../../runtime/config/schema.ts';
import { ServedProject } from '../../runtime/server/served-project.ts';
import type { PipelineResult } from '../../runtime/server/pipeline.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

/** The seeded users (fixtures/seed.json) plus one without a role, which the tests add. */
export const USERS = {
  admin: { id: '0190a6e0-0000-7000-8000-000000000001', email: 'admin@example.com', isRootAdmin: true, role: 1 },
  editor: { id: '0190a6e0-0000-7000-8000-000000000002', email: 'editor@example.com', isRootAdmin: false, role: 2 },
  plain: { id: '0190a6e0-0000-7000-8000-0000000000ff', email: 'plain@example.com', isRootAdmin: false, role: null },
} as const;

export const SECRET = 'server-test-secret';

/** A temp project: hooks/ and fixtures/ copied, Enfyra's user tables added, `files` written (paths relative to it). */
export function serverProject(files: Record<string, string> = {}, config: Partial<EnfyraConfigInput> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-server-'));
  cpSync(path.join(PROJECT_ROOT, 'hooks'), path.join(dir, 'hooks'), { recursive: true });
  mkdirSync(path.join(dir, 'fixtures'));
  // The project's schema already has Enfyra's enfyra_user and enfyra_role tables; the seed gets a user without a role.
  cpSync(path.join(PROJECT_ROOT, 'fixtures/schema.json'), path.join(dir, 'fixtures/schema.json'));
  const seed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'fixtures/seed.json'), 'utf8'));
  seed.enfyra_user.push({ ...USERS.plain, password: null, isSystem: false });
  writeFileSync(path.join(dir, 'fixtures/seed.json'), JSON.stringify(seed, null, 2));
  const fullConfig = {
    helpers: { jwtSecret: SECRET },
    sandbox: { cpuTimeoutMs: 2000, wallTimeoutMs: 20_000 },
    cache: { driver: 'memory' },
    ...config,
  };
  writeFileSync(path.join(dir, 'enfyra.config.json'), JSON.stringify(fullConfig, null, 2));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

export function projectConfig(dir: string, overrides: Partial<EnfyraConfigInput> = {}): ResolvedConfig {
  const raw = JSON.parse(readFileSync(path.join(dir, 'enfyra.config.json'), 'utf8')) as EnfyraConfigInput;
  // In-process tests use a private in-memory copy of the database.
  return resolveConfig({ ...raw, ...overrides, database: { ...raw.database, sqlitePath: ':memory:', ...overrides.database } }, { root: dir, file: null, env: {} });
}

export async function openProject(dir: string, overrides: Partial<EnfyraConfigInput> = {}, trackReads = false): Promise<ServedProject> {
  return ServedProject.open({ config: projectConfig(dir, overrides), env: {}, trackReads });
}

export interface SendOptions {
  body?: unknown;
  /** Raw body text (sent as is). */
  raw?: string;
  headers?: Record<string, string>;
  /** Sign a token for this user id. */
  as?: number | string;
}

/** One request through the project's pipeline, in-process. */
export async function send(project: ServedProject, method: string, url: string, options: SendOptions = {}): Promise<PipelineResult> {
  const headers: Record<string, string> = { ...options.headers };
  let raw: Buffer | null = null;
  if (options.raw !== undefined) raw = Buffer.from(options.raw);
  else if (options.body !== undefined) {
    raw = Buffer.from(JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
  }
  if (options.as !== undefined) headers.authorization = `Bearer ${await project.auth.sign(options.as)}`;
  return project.pipeline.handle({ method, url, headers, rawBody: raw, ip: '127.0.0.1' });
}

export function route(spec: Record<string, unknown>): string {
  return JSON.stringify(spec, null, 2);
}
