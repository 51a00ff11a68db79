/**
 * Loads enfyra.config.json, validates it, applies the environment overrides
 * (REDIS_URL, DATABASE_URL, NODE_NAME, SECRET_KEY, Enfyra's REDIS_NAMESPACE_KEY_TTL_MS,
 * REDIS_USER_CACHE_MAX_VALUE_BYTES, REDIS_USER_CACHE_LIMIT_MB) and resolves relative paths against
 * the config file's folder.
 *
 * Without --config the file is looked for the way other tools look for
 * theirs: in the working folder, then each folder above it, stopping after
 * the project's top folder (the first one holding package.json or .git) or
 * at the filesystem root. No file found: the defaults, with paths relative to
 * that top folder (or the working folder when there is none).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NotUtf8Error, readUtf8File } from '../shared/utf8.ts';
import { configSchema, MIN_LIFECYCLE_TTL_MS, type EnfyraConfig, type EnfyraConfigInput } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'enfyra.config.json';

/** A folder holding one of these is a project's top folder: the config search goes no higher. */
export const PROJECT_MARKERS: readonly string[] = ['package.json', '.git'];

/** A usage or configuration problem: the CLI prints its message on one line and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ResolvedConfig extends EnfyraConfig {
  /** Folder the relative paths of the config were resolved against. */
  readonly root: string;
  /** The file it came from, or null when built from defaults. */
  readonly file: string | null;
}

export interface LoadOptions {
  /** Path given by --config; when absent, enfyra.config.json is looked for from `cwd` upward. */
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ConfigLocation {
  /** The config file found, or null. */
  file: string | null;
  /** The folder relative paths resolve against: the file's folder, else the project's top folder, else `cwd`. */
  root: string;
}

/** Where the config is when no --config is given (see the file comment). */
export function findConfig(cwd: string): ConfigLocation {
  const start = path.resolve(cwd);
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, DEFAULT_CONFIG_FILE);
    if (existsSync(file)) return { file, root: dir };
    if (PROJECT_MARKERS.some((marker) => existsSync(path.join(dir, marker)))) return { file: null, root: dir };
    if (path.dirname(dir) === dir) return { file: null, root: start };
  }
}

export function loadConfig(options: LoadOptions = {}): ResolvedConfig {
  const cwd = options.cwd ?? process.cwd();
  const location: ConfigLocation =
    options.configPath !== undefined ? { file: path.resolve(cwd, options.configPath), root: '' } : findConfig(cwd);
  if (location.file === null) return resolveConfig({}, { root: location.root, file: null, env: options.env ?? process.env });
  const file = location.file;
  let text: string;
  try {
    text = readUtf8File(file);
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new ConfigError(`config ${file} is ${err.message}`);
    throw new ConfigError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return resolveConfig(raw as EnfyraConfigInput, { root: path.dirname(file), file, env: options.env ?? process.env });
}

/** Validate an in-memory config object (the programmatic API uses this too). */
export function resolveConfig(
  input: EnfyraConfigInput | undefined,
  where: { root: string; file: string | null; env?: NodeJS.ProcessEnv },
): ResolvedConfig {
  const label = where.file ?? 'config';
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError(`${label}: the top level must be a JSON object`);
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new ConfigError(`${label}: field "${field}": ${issue.message}`);
  }
  const config = applyEnv(parsed.data, where.env ?? {});
  // ':memory:' is SQLite's name for a private in-memory database, not a file.
  const abs = (p: string) => (p === ':memory:' ? p : path.resolve(where.root, p));
  const optional = (p: string | null) => (p === null ? null : abs(p));
  return {
    ...config,
    hooksDir: abs(config.hooksDir),
    routesDir: abs(config.routesDir),
    fixturesDir: abs(config.fixturesDir),
    cache: { ...config.cache, sqlitePath: abs(config.cache.sqlitePath) },
    database: {
      ...config.database,
      sqlitePath: abs(config.database.sqlitePath),
      schema: optional(config.database.schema),
      seed: optional(config.database.seed),
    },
    flows: { ...config.flows, dir: abs(config.flows.dir) },
    storage: { ...config.storage, dir: abs(config.storage.dir) },
    packages: { ...config.packages, cacheDir: abs(config.packages.cacheDir) },
    root: where.root,
    file: where.file,
  };
}

function applyEnv(config: EnfyraConfig, env: NodeJS.ProcessEnv): EnfyraConfig {
  const out = structuredClone(config);
  if (env.REDIS_URL) {
    // The URL names one server: it replaces a configured Sentinel or Cluster topology.
    out.cache.driver = 'redis';
    out.cache.redis = { ...out.cache.redis, url: env.REDIS_URL, sentinels: undefined, name: undefined, cluster: undefined };
  }
  if (env.NODE_NAME) out.cache.namespace = env.NODE_NAME;
  applyEnfyraCacheEnv(out, env);
  if (env.SECRET_KEY) out.helpers.jwtSecret = env.SECRET_KEY;
  if (env.DATABASE_URL) {
    out.database.url = env.DATABASE_URL;
    out.database.client = databaseClientFromUrl(env.DATABASE_URL);
  }
  return out;
}

/**
 * Enfyra's own variables for the user cache, read as Enfyra reads them: a
 * lifecycle TTL below 5 minutes is raised to 5 minutes outside NODE_ENV=test
 * (runtime-namespace-lifecycle.service.ts); a value that is not a number is
 * a configuration error here (Enfyra refuses to start).
 */
function applyEnfyraCacheEnv(out: EnfyraConfig, env: NodeJS.ProcessEnv): void {
  const number = (name: string, integer: boolean, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new ConfigError(`${name}="${text}": expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
    }
    return value;
  };
  const ttl = number('REDIS_NAMESPACE_KEY_TTL_MS', true, 1);
  if (ttl !== undefined) out.cache.lifecycleTtlMs = env.NODE_ENV === 'test' ? ttl : Math.max(ttl, MIN_LIFECYCLE_TTL_MS);
  const maxValueBytes = number('REDIS_USER_CACHE_MAX_VALUE_BYTES', true, 0);
  if (maxValueBytes !== undefined) out.cache.maxValueBytes = maxValueBytes;
  const limitMb = number('REDIS_USER_CACHE_LIMIT_MB', false, 0);
  if (limitMb !== undefined) out.cache.limitMb = limitMb;
}

export function databaseClientFromUrl(url: string): 'pg' | 'mysql' | 'sqlite' {
  const scheme = /^([a-z0-9+]+):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return 'pg';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'sqlite':
    case 'file':
      return 'sqlite';
    default:
      throw new ConfigError(
        `DATABASE_URL has an unsupported scheme "${scheme ?? url}": use postgres://, mysql://, mariadb:// or sqlite:`,
      );
  }
}
