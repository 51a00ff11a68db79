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
  /**
   * Wall-clock time for the whole invocation, host calls and unsettled promises included. Past it the
   * hook fails as Enfyra's does: 408 SCRIPT_TIMEOUT "Script execution timed out after Nms"; the
   * default is Enfyra's handler timeout.
   */
  wallTimeoutMs: positiveInt.max(600_000).default(30_000),
  /** Upper bound on isolates kept in the pool (one runs one invocation at a time). */
  maxIsolates: positiveInt.max(1024).default(16),
  /**
   * Invocations an isolate serves before it is replaced (0: no limit). Its one context is reused with
   * frozen built-ins and a fresh `$ctx` each time; replacing it now and then bounds what a long run keeps.
   */
  invocationsPerIsolate: z.number().int().min(0).default(10_000),
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
    /** Single-server mode: redis://[user:password@]host:port[/db] or rediss:// (REDIS_URL overrides and replaces any Cluster/Sentinel setting). */
    url: z.string().min(1).optional(),
    /** Connect with TLS (also implied by a rediss:// URL). */
    tls: z.boolean().optional(),
    /** Password of the Redis server (the master in Sentinel mode, every node in Cluster mode). */
    password: z.string().optional(),
    /** Sentinel mode: the sentinels to ask and the monitored master's name. */
    sentinels: z.array(hostPort).min(1).optional(),
    /** Sentinel mode: the name of the monitored master. */
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

/** Enfyra's floor for REDIS_NAMESPACE_KEY_TTL_MS (runtime-namespace-lifecycle.service.ts). */
export const MIN_LIFECYCLE_TTL_MS = 5 * 60 * 1000;

export const cacheSchema = z.strictObject({
  /** Where `$cache` lives: an embedded SQLite file (shared by local processes), memory (this process only) or Redis (REDIS_URL selects it). */
  driver: z.enum(['sqlite', 'memory', 'redis']).default('sqlite'),
  /** The key namespace (NODE_NAME overrides): `$cache` keys are `<namespace>:user_cache:<key>`, as in Enfyra. */
  namespace: z.string().min(1).default('enfyra'),
  /**
   * Enfyra's namespace lifecycle TTL (REDIS_NAMESPACE_KEY_TTL_MS overrides): what a value stored without a
   * positive TTL, or with setNoExpire, gets.
   */
  lifecycleTtlMs: positiveInt.min(MIN_LIFECYCLE_TTL_MS).default(30 * 60 * 1000),
  /** Largest stored value in bytes, 0 for none (REDIS_USER_CACHE_MAX_VALUE_BYTES overrides). */
  maxValueBytes: z.number().int().min(0).default(0),
  /** Capacity of the namespace's `$cache` in MB, 0 for none; no single value may exceed it (REDIS_USER_CACHE_LIMIT_MB overrides). */
  limitMb: z.number().min(0).default(30),
  /** A lock a hook still holds when it ends is released by compare-and-delete (otherwise it stays until its TTL, with a warning either way). */
  releaseLeakedLocks: z.boolean().default(false),
  /** The embedded cache's SQLite file (driver "sqlite"). */
  sqlitePath: z.string().min(1).default('.enfyra/cache.sqlite'),
  /** The Redis server, Sentinel set or Cluster (driver "redis"). */
  redis: redisSchema.default(() => redisSchema.parse({})),
});

export const databaseSchema = z.strictObject({
  /** The database behind `$repos` (DATABASE_URL selects it by its scheme). */
  client: z.enum(['sqlite', 'pg', 'mysql']).default('sqlite'),
  /**
   * Connection URL (DATABASE_URL overrides): postgres://, mysql:// or
   * mariadb:// for the servers; sqlite:PATH or file:PATH for a SQLite file.
   */
  url: z.string().min(1).optional(),
  /** The SQLite file, created from schema + seed on first use (when no sqlite: url is given). */
  sqlitePath: z.string().min(1).default('.enfyra/data.sqlite'),
  /**
   * Schema and seed files (docs/repos.md). null: no database at all (a project
   * whose hooks never use `$repos`); a schema file that does not exist counts the same until `$repos` is used.
   */
  schema: z.string().min(1).nullable().default('fixtures/schema.json'),
  /** Rows the database starts with (and after `enfyra-run db reset`); null: none. */
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
  /** Secret for $helpers.$jwt (SECRET_KEY overrides, as in Enfyra). The placeholder is refused unless `mode` is "development". */
  jwtSecret: z.string().min(1).default('change-me-dev-secret'),
  /** Cost of `$helpers.$bcrypt.hash`. */
  bcryptRounds: z.number().int().min(4).max(15).default(10),
});

/** Local flows (runtime/members/flows): `enfyra-run flow <name>` and `$trigger`. */
export const flowsSchema = z.strictObject({
  /** Folder of flow files (`<name>.json`, see docs/members/flows.md). */
  dir: z.string().min(1).default('flows'),
  /** A `$trigger` from a hook also runs the flow, after the hook, in the same process (else it is only recorded). */
  runTriggered: z.boolean().default(false),
});

export const fetchSchema = z.strictObject({
  /** Let `$helpers.$fetch` reach private and loopback addresses (Enfyra never does): for local test servers only. */
  allowPrivate: z.boolean().default(false),
});

export const storageSchema = z.strictObject({
  /** Where `$storage.$upload` writes files (Enfyra's local storage writes under public/uploads/). */
  dir: z.string().min(1).default('.enfyra/storage'),
});

const packageName = z.string().regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i, 'an npm package name');

export const packagesSchema = z.strictObject({
  /** Packages installed in the project (node_modules) that hooks reach as `$ctx.$pkgs[name]` / `require(name)`. */
  names: z.array(packageName).default([]),
  /** Bundles built for the isolate, keyed by package version. */
  cacheDir: z.string().min(1).default('.enfyra/packages'),
});

export const compatSchema = z.strictObject({
  /** Every portability or trap warning fails the run (exit 1), as `--strict` does: for CI gates. */
  strict: z.boolean().default(false),
});

export const configSchema = z.strictObject({
  /** "development" allows development-only conveniences (the placeholder JWT secret). */
  mode: z.enum(['development', 'production']).default('development'),
  /** Where hook files live (`enfyra-run init` writes there). */
  hooksDir: z.string().min(1).default('hooks'),
  /** Route files served by `enfyra-run dev` and `enfyra-run request` (docs/dev-server.md). */
  routesDir: z.string().min(1).default('routes'),
  /** Where fixtures live: `requests/` under it is what `enfyra-run replay` replays by default. */
  fixturesDir: z.string().min(1).default('fixtures'),
  sandbox: sandboxSchema.default(() => sandboxSchema.parse({})),
  cache: cacheSchema.default(() => cacheSchema.parse({})),
  database: databaseSchema.default(() => databaseSchema.parse({})),
  helpers: helpersSchema.default(() => helpersSchema.parse({})),
  flows: flowsSchema.default(() => flowsSchema.parse({})),
  fetch: fetchSchema.default(() => fetchSchema.parse({})),
  storage: storageSchema.default(() => storageSchema.parse({})),
  packages: packagesSchema.default(() => packagesSchema.parse({})),
  compat: compatSchema.default(() => compatSchema.parse({})),
  /** Extra variable names (or trailing-* prefixes) to keep out of $ctx.$env. */
  envDeny: z.array(z.string().min(1)).default([]),
});

export type EnfyraConfig = z.infer<typeof configSchema>;
export type SandboxConfig = z.infer<typeof sandboxSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type HelpersConfig = z.infer<typeof helpersSchema>;
export type FlowsConfig = z.infer<typeof flowsSchema>;
export type FetchConfig = z.infer<typeof fetchSchema>;
export type StorageConfig = z.infer<typeof storageSchema>;
export type PackagesConfig = z.infer<typeof packagesSchema>;
export type CompatConfig = z.infer<typeof compatSchema>;
export type EnfyraConfigInput = z.input<typeof configSchema>;
