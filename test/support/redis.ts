/**
 * Redis for tests: find one (REDIS_URL, else 127.0.0.1:6379, else a private
 * redis-server if the binary exists), start private servers for fault tests,
 * and clean up keys. Set ENFYRA_REQUIRE_REDIS=1 to turn "no Redis" from a
 * loud skip into a failure (CI that must exercise Redis).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stop the server (SIGTERM, or SIGKILL when `kill`), and wait for it to exit. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Start it again on the same port and wait until it answers. */
  restart(): Promise<void>;
  /** Freeze the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaw it (SIGCONT). */
  resume(): void;
}

export interface TestRedis {
  readonly url: string;
  readonly source: 'REDIS_URL' | 'local' | 'private';
  /** Stops the private server, if one was started. */
  close(): Promise<void>;
}

const LOCAL_URL = 'redis://127.0.0.1:6379';

/** Whether a server at `url` answers PING within `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface StartOptions {
  port?: number;
  /** Extra arguments after the port/bind/persistence ones; a config file path first turns them into `redis-server <file> ...`. */
  args?: string[];
  configFile?: string;
  /** Working folder (cluster nodes write their nodes.conf there). */
  cwd?: string;
}

/** A private, non-persistent redis-server on a free port (or `port`), killed when this process exits. */
export async function startRedisServer(options: StartOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    ...(options.configFile ? [options.configFile] : []),
    ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ...(options.args ?? []),
  ];
  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const start = async () => {
    const proc = spawn('redis-server', args, { stdio: 'ignore', cwd: options.cwd });
    child = proc;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!(await pingRedis(url, 200))) {
      if (exited) throw new Error(`redis-server on port ${port} exited at start`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      await sleep(25);
    }
  };

  const stop = async ({ kill = false } = {}) => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill(kill ? 'SIGKILL' : 'SIGTERM');
    proc.kill('SIGCONT'); // a paused server must run to handle SIGTERM
    await exited;
  };

  await start();
  return {
    url,
    port,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
}

export interface RedisTopology {
  readonly nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

/** A private Redis Cluster of `masters` nodes (no replicas), all slots assigned and the cluster state ok. */
export async function startRedisCluster(masters = 3): Promise<RedisTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-redis-cluster-'));
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop({ kill: true })));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-port', String(busPort)];
      const configArgs = ['--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'];
      servers.push(await startRedisServer({ port, cwd: dir, args: [...clusterArgs, ...configArgs] }));
    }
    const nodes = servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    await waitFor(async () => (await Promise.all(servers.map((s) => clusterStateOk(s.url)))).every(Boolean), 'cluster_state:ok');
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A private master watched by one private Sentinel under `name`. */
export async function startRedisSentinel(name = 'enfyra-test'): Promise<RedisTopology & { name: string; masterUrl: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-redis-sentinel-'));
  const master = await startRedisServer();
  const configFile = path.join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file, so it gets a private writable one.
  writeFileSync(configFile, `sentinel monitor ${name} 127.0.0.1 ${master.port} 1\n`);
  let sentinel: RedisServer | undefined;
  try {
    sentinel = await startRedisServer({ configFile, args: ['--sentinel'], cwd: dir });
    return {
      name,
      masterUrl: master.url,
      nodes: [{ host: '127.0.0.1', port: sentinel.port }],
      stop: async () => {
        await Promise.all([sentinel!.stop({ kill: true }), master.stop({ kill: true })]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await master.stop({ kill: true });
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function clusterStateOk(url: string): Promise<boolean> {
  const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    return /cluster_state:ok/.test(await client.cluster('INFO'));
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
