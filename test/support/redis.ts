/**
 * Redis for tests: find one (REDIS_URL, else 127.0.0.1:6379, else a private
 * redis-server if the binary exists), start private servers and topologies
 * (Cluster, Sentinel) for fault tests, and clean up keys. Set
 * ENFYRA_REQUIRE_REDIS=1 to turn "no Redis" from a loud skip into a failure
 * (CI that must exercise Redis). Starting servers is scripts/redis/harness.ts,
 * shared with the command-line harness there.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  hasRedisServerBinary,
  missingRedisBinaries,
  pingRedis,
  startRedisCluster as startCluster,
  startRedisSentinel as startSentinel,
  startRedisServer,
  type ClusterOptions,
  type ClusterTopology,
  type SentinelOptions,
  type SentinelTopology,
} from '../../scripts/redis/harness.ts';

// The process and topology logic lives in scripts/redis/harness.ts (shared with the CLI harness).
export {
  clusterNodes,
  freePort,
  hasRedisServerBinary,
  info,
  isRedisProcess,
  missingRedisBinaries,
  pingRedis,
  sleep,
  startRedisServer,
  waitFor,
  withRedis,
} from '../../scripts/redis/harness.ts';
export type {
  ClusterTopology,
  HostPort,
  RedisServer,
  SentinelTopology,
  StartServerOptions as StartOptions,
} from '../../scripts/redis/harness.ts';

export interface TestRedis {
  readonly url: string;
  readonly source: 'REDIS_URL' | 'local' | 'private';
  /** Stops the private server, if one was started. */
  close(): Promise<void>;
}

const LOCAL_URL = 'redis://127.0.0.1:6379';

/**
 * Whether this machine can start private Redis servers (`binaries`, by default
 * redis-server and redis-cli). When it cannot, says so loudly and returns
 * false so the suite can skip, or throws under ENFYRA_REQUIRE_REDIS=1.
 */
export function canStartRedis(suite: string, binaries?: string[]): boolean {
  const missing = missingRedisBinaries(binaries);
  if (missing.length === 0) return true;
  const message = `${suite}: ${missing.join(' and ')} not found on PATH, cannot start private Redis servers`;
  if (process.env.ENFYRA_REQUIRE_REDIS === '1') throw new Error(`${message}; ENFYRA_REQUIRE_REDIS=1 makes this a failure`);
  console.warn(`\n!!! SKIPPING ${message}. Install redis-server (and redis-cli); ENFYRA_REQUIRE_REDIS=1 fails instead.\n`);
  return false;
}

/** A private Redis Cluster (`masters` masters, `replicas` each; files in a temp folder removed by stop). */
export function startRedisCluster(masters = 3, options: Omit<ClusterOptions, 'masters'> = {}): Promise<ClusterTopology> {
  return startCluster({ ...options, masters });
}

/** A private primary + replica(s) watched by Sentinels under `name` (default 1 replica, 3 Sentinels). */
export function startRedisSentinel(name = 'enfyra-test', options: Omit<SentinelOptions, 'name'> = {}): Promise<SentinelTopology> {
  return startSentinel({ ...options, name });
}

/** REDIS_TEST_URL or REDIS_URL, else the local default, else a private server; or the reason none could be had. */
export async function findRedis(): Promise<TestRedis | { reason: string }> {
  const envName = process.env.REDIS_TEST_URL ? 'REDIS_TEST_URL' : 'REDIS_URL';
  const envUrl = process.env[envName];
  if (envUrl) {
    if (await pingRedis(envUrl)) return { url: envUrl, source: 'REDIS_URL', close: async () => {} };
    return { reason: `${envName}=${redactUrl(envUrl)} does not answer PING` };
  }
  if (await pingRedis(LOCAL_URL)) return { url: LOCAL_URL, source: 'local', close: async () => {} };
  if (!hasRedisServerBinary()) return { reason: `nothing answers at ${LOCAL_URL} and no redis-server binary to start one` };
  try {
    const server = await startRedisServer();
    return { url: server.url, source: 'private', close: () => server.stop() };
  } catch (err) {
    return { reason: `could not start a private redis-server: ${(err as Error).message}` };
  }
}

/**
 * The Redis a suite should use, or null after a loud warning, so the suite
 * can skip. With ENFYRA_REQUIRE_REDIS=1 a missing Redis throws instead.
 */
export async function redisForTests(suite: string): Promise<TestRedis | null> {
  const found = await findRedis();
  if ('url' in found) return found;
  const message = `${suite}: no Redis available (${found.reason})`;
  if (process.env.ENFYRA_REQUIRE_REDIS === '1') throw new Error(`${message}; ENFYRA_REQUIRE_REDIS=1 makes this a failure`);
  console.warn(`\n!!! SKIPPING ${message}. Set REDIS_URL or install redis-server; ENFYRA_REQUIRE_REDIS=1 fails instead.\n`);
  return null;
}

/** A namespace no other test run uses, so parallel runs never collide. */
export function uniqueNamespace(prefix = 'enfyra-test'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Delete every key starting with `prefix` (SCAN, never KEYS). Returns how many were deleted. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let deleted = 0;
  try {
    for await (const keys of client.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length) deleted += await client.del(...(keys as string[]));
    }
  } finally {
    client.disconnect();
  }
  return deleted;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
