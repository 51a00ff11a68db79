/**
 * enfyra.config.json: every field optional, every default here. The schema is
 * strict (unknown keys are errors) so a typo never silently falls back to a
 * default.
 */
import { z } from 'zod';

const hostPort = z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

const positiveInt = z.number().int().positive();

export const sandboxSchema = z.strictObject({
  /** Heap limit of each isolate, in MB (isolated-vm's minimum is 8). */
  memoryLimitMb: z.number().int().min(8).max(4096).default(128),
  /** CPU time a single invocation may spend inside the isolate. */
  cpuTimeoutMs: positiveInt.max(600_000).default(1000),
  /** Wall-clock time for the whole invocation, host calls and unsettled promises included. */
  wallTimeoutMs: positiveInt.max(600_000).default(10_000),
  /** Upper bound on isolates kept in the pool (one runs one invocation at a time). */
  maxIsolates: positiveInt.max(1024).default(16),
  /** `$logs` calls kept per invocation; later ones are counted and dropped. */
  maxLogs: positiveInt.default(1000),
  /** Size limit of one log line, in characters (longer lines are cut). */
  maxLogLineChars: positiveInt.default(10_000),
  /** Size limit of the serialized return value (and of changed request fields). */
  maxResultBytes: positiveInt.default(10 * 1024 * 1024),
  /** Host calls ($cache, $repos, helpers) one invocation may have in flight at once. */
  maxPendingHostCalls: positiveInt.default(1000),
});

/** One of three modes, first match wins: `cluster`, then `sentinels` + `name`, then `url` (default redis://127.0.0.1:6379). */
export const redisSchema = z
  .strictObject({
    url: z.string().min(1).optional(),
    tls: z.boolean().optional(),
    password: z.string().optional(),
    /** Sentinel mode: the sentinels to ask and the monitored master's name. */
    sentinels: z.array(hostPort).min(1).optional(),
    name: z.string().min(1).optional(),
    /** Password of the sentinels themselves, when they require one (`password` is the master's). */
    sentinelPassword: z.string().optional(),
    /** Cluster mode: seed nodes. */
    cluster: z.array(hostPort).min(1).optional(),
    /** Upper bound on one command, connect included; a call that needs longer fails with a 503-class error. */
    commandTimeoutMs: positiveInt.max(60_000).default(1000),
  })
  .refine((redis) => redis.sentinels === undefined || redis.name !== undefined, {
    message: 'Sentinel mode needs the master name ("name") next to "sentinels"',
    path: ['name'],
  });

export const cacheSchema = z.strictObject({
  driver: z.enum(['sqlite', 'memory', 'redis']).default('sqlite'),
  namespace: z.string().default('enfyra'),
  maxValueBytes: positiveInt.default(1024 * 1024),
  releaseLeakedLocks: z.boolean().default(false),
  sqlitePath: z.string().min(1).default('.enfyra/cache.sqlite'),
  redis: redisSchema.default(() => redisSchema.parse({})),
});

export const databaseSchema = z.strictObject({
  client: z.enum(['sqlite', 'pg', 'mysql']).default('sqlite'),
  /**
   * Connection URL (DATABASE_URL overrides): postgres://, mysql:// or
   * mariadb:// for the servers; sqlite:PATH or file:PATH for a SQLite file.
   */
  url: z.string().min(1).optional(),
  /** The SQLite file, created from schema + seed on first use (when no sqlite: url is given). */
  sqlitePath: z.string().min(1).default('.enfyra/data.sqlite'),
  /**
   * Schema and seed files (see README, "Fixtures: schema and seed"). null: no
   * tables (a project whose hooks do not use `$repos`); the schema file is
   * read only when a hook first uses `$repos`.
   */
  schema: z.string().min(1).nullable().default('fixtures/schema.json'),
  seed: z.string().min(1).nullable().default('fixtures/seed.json'),
  /** Prepended to every physical table name, so several apps or runs can share one database. */
  tablePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only')
    .max(15)
    .default(''),
  /** Table behind `$ctx.$repos.main` when a run gives no --table. */
  mainTable: z.string().min(1).optional(),
});

export const helpersSchema = z.strictObject({
  /** Secret for $helpers.$jwt. The placeholder is refused unless `mode` is "development". */
  jwtSecret: z.string().min(1).default('change-me-dev-secret'),
  bcryptRounds: z.number().int().min(4).max(15).default(10),
});

export const configSchema = z.strictObject({
  /** "development" allows development-only conveniences (the placeholder JWT secret). */
  mode: z.enum(['development', 'production']).default('development'),
  hooksDir: z.string().min(1).default('hooks'),
  fixturesDir: z.string().min(1).default('fixtures'),
  sandbox: sandboxSchema.default(() => sandboxSchema.parse({})),
  cache: cacheSchema.default(() => cacheSchema.parse({})),
  database: databaseSchema.default(() => databaseSchema.parse({})),
  helpers: helpersSchema.default(() => helpersSchema.parse({})),
  /** Extra variable names (or trailing-* prefixes) to keep out of $ctx.$env. */
  envDeny: z.array(z.string().min(1)).default([]),
});

export type EnfyraConfig = z.infer<typeof configSchema>;
export type SandboxConfig = z.infer<typeof sandboxSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type HelpersConfig = z.infer<typeof helpersSchema>;
export type EnfyraConfigInput = z.input<typeof configSchema>;
