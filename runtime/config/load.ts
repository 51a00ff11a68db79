/**
 * Loads enfyra.config.json, validates it, applies the environment overrides
 * (REDIS_URL, DATABASE_URL, NODE_NAME) and resolves relative paths against
 * the config file's folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, type EnfyraConfig, type EnfyraConfigInput } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'enfyra.config.json';

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
  /** Path given by --config; when absent, ./enfyra.config.json is used if it exists. */
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(options: LoadOptions = {}): ResolvedConfig {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath !== undefined;
  const file = path.resolve(cwd, options.configPath ?? DEFAULT_CONFIG_FILE);
  let raw: unknown = {};
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (explicit || code !== 'ENOENT') {
      throw new ConfigError(`cannot read config ${file}: ${code ?? (err as Error).message}`);
    }
  }
  if (text !== null) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  return resolveConfig(raw as EnfyraConfigInput, {
    root: text === null ? cwd : path.dirname(file),
    file: text === null ? null : file,
    env: options.env ?? process.env,
  });
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
  return {
    ...config,
    hooksDir: abs(config.hooksDir),
    fixturesDir: abs(config.fixturesDir),
    cache: { ...config.cache, sqlitePath: abs(config.cache.sqlitePath) },
    database: {
      ...config.database,
      sqlitePath: abs(config.database.sqlitePath),
      schema: config.database.schema === null ? null : abs(config.database.schema),
      seed: config.database.seed === null ? null : abs(config.database.seed),
    },
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
  if (env.DATABASE_URL) {
    out.database.url = env.DATABASE_URL;
    out.database.client = databaseClientFromUrl(env.DATABASE_URL);
  }
  return out;
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
