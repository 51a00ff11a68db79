/**
 * Private Redis topologies on loopback and free ports, from the machine's
 * `redis-server` (and `redis-cli` for `--cluster create`): a single server, a
 * Redis Cluster (masters, optionally with replicas) and a primary + replicas
 * watched by Sentinels. One implementation for the test support
 * (test/support/redis.ts) and the command-line harness (cluster.ts,
 * sentinel.ts, single.ts, stress.ts in this folder).
 *
 * Two ways to own the processes:
 * - attached (tests): children of this process, killed when it exits, files
 *   in a temp folder removed by stop();
 * - detached (the CLI's `start`): they outlive this process; `state.json` in
 *   the topology's folder lists their pids so `stop` (another process) can end
 *   exactly those and remove the folder.
 *
 * TypeScript that Node runs as it is (type stripping), so `node
 * scripts/redis/*.ts` needs no build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { z } from 'zod';

export const HOST = '127.0.0.1';
const STATE_FILE = 'state.json';

export interface HostPort {
  host: string;
  port: number;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Pid of the current process (changes on restart). */
  readonly pid: number;
  readonly running: boolean;
  /** Stop the server (SIGTERM, or SIGKILL when `kill`), and wait for it to exit. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Start it again on the same port (same arguments) and wait until it answers. */
  restart(): Promise<void>;
  /** Freeze the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaw it (SIGCONT). */
  resume(): void;
}

export interface StartServerOptions {
  port?: number;
  /** Extra arguments after the port/bind/persistence ones. */
  args?: string[];
  /** Given first: `redis-server <file> ...`. */
  configFile?: string;
  cwd?: string;
  /** Outlive this process (the CLI harness); otherwise it is killed when this process exits. */
  detached?: boolean;
  logFile?: string;
}

export interface TopologyOptions {
  /** Folder for configs, logs and state (created; removed by stop). Default: a fresh temp folder. */
  dir?: string;
  detached?: boolean;
}

export interface ClusterOptions extends TopologyOptions {
  masters?: number;
  replicas?: number;
  nodeTimeoutMs?: number;
}

export interface SentinelOptions extends TopologyOptions {
  name?: string;
  replicas?: number;
  sentinels?: number;
  quorum?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

const hostPortSchema = z.object({ host: z.string(), port: z.number().int() });
const cacheRedisSchema = z.union([
  z.object({ url: z.string() }),
  z.object({ cluster: z.array(hostPortSchema) }),
  z.object({ sentinels: z.array(hostPortSchema), name: z.string() }),
]);
/** What `start` writes to the topology's state.json and `stop`/`status` (other processes) read back. */
const stateSchema = z.object({
  kind: z.enum(['single', 'cluster', 'sentinel']),
  dir: z.string(),
  pids: z.array(z.number().int()),
  cache: z.object({ driver: z.literal('redis'), redis: cacheRedisSchema }),
});

/** The `cache.redis` config that reaches a topology. */
export type CacheRedisConfig = z.infer<typeof cacheRedisSchema>;
export type TopologyKind = z.infer<typeof stateSchema>['kind'];
export type TopologyState = z.infer<typeof stateSchema>;

export interface Topology {
  readonly kind: TopologyKind;
  readonly dir: string;
  readonly cacheRedisConfig: CacheRedisConfig;
  pids(): number[];
  /** Stop every process (SIGKILL unless `kill: false`) and remove the folder. */
  stop(options?: { kill?: boolean }): Promise<void>;
}

export interface SingleTopology extends Topology {
  readonly kind: 'single';
  readonly url: string;
  readonly server: RedisServer;
  readonly cacheRedisConfig: { url: string };
}

export interface ClusterNode {
  id: string;
  port: number;
  flags: string[];
  master: boolean;
  failed: boolean;
  masterId: string | null;
  connected: boolean;
  slots: string[];
}

export interface ClusterTopology extends Topology {
  readonly kind: 'cluster';
  /** Seed nodes (every node). */
  readonly nodes: HostPort[];
  readonly servers: RedisServer[];
  readonly cacheRedisConfig: { cluster: HostPort[] };
  /** The server serving `key`'s slot now. */
  masterFor(key: string): Promise<RedisServer>;
  /** Every live node ok, every slot on a live master, every live replica in sync. */
  healthy(): Promise<boolean>;
}

export interface SentinelTopology extends Topology {
  readonly kind: 'sentinel';
  readonly name: string;
  /** Sentinels. */
  readonly nodes: HostPort[];
  readonly primary: RedisServer;
  readonly replicas: RedisServer[];
  readonly sentinels: RedisServer[];
  readonly servers: RedisServer[];
  /** The data servers (primary and replicas). */
  readonly dataServers: RedisServer[];
  /** The URL the first Sentinel started with; after a failover see currentMaster(). */
  readonly masterUrl: string;
  readonly cacheRedisConfig: { sentinels: HostPort[]; name: string };
  /** The master's port as the majority of answering Sentinels report it, or null. */
  currentMasterPort(): Promise<number | null>;
  /** The data server that is master now (Sentinels agree and it says so), or null. */
  currentMaster(): Promise<RedisServer | null>;
  /** Every Sentinel sees the master up, all live replicas, and the other Sentinels. */
  healthy(): Promise<boolean>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Which of the binaries the harness needs are missing (empty when all are there). */
export function missingRedisBinaries(binaries: readonly string[] = ['redis-server', 'redis-cli']): string[] {
  return binaries.filter((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status !== 0);
}

export function hasRedisServerBinary(): boolean {
  return missingRedisBinaries(['redis-server']).length === 0;
}

/** A TCP port nothing listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error(`a TCP listener on ${HOST} has no port: ${address}`);
  return address.port;
}

/** A short-lived client that never retries and never queues. */
function probeClient(url: string, timeoutMs = 1000): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    disconnectTimeout: 20, // the default keeps this process alive 2 s after disconnect()
  });
  client.on('error', () => {});
  return client;
}

/** Run `fn(client)` on a fresh connection to `url`; null if it cannot connect or `fn` fails. */
export async function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>, timeoutMs = 1000): Promise<T | null> {
  const client = probeClient(url, timeoutMs);
  try {
    await client.connect();
    return await fn(client);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Whether a server at `url` answers PING within `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  return (await withRedis(url, (c) => c.ping(), timeoutMs)) === 'PONG';
}

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `INFO <section>` as a field map, or null when the server does not answer. */
export async function info(url: string, section: string): Promise<Record<string, string> | null> {
  const text = await withRedis(url, (c) => c.info(section));
  if (text === null) return null;
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

// ---- processes ---------------------------------------------------------------

const attached = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAttachedOnExit(proc: ChildProcess): void {
  attached.add(proc);
  proc.once('exit', () => attached.delete(proc));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of attached) child.kill('SIGKILL');
  });
}

/** True when `pid` is alive and is a redis-server (so a recycled pid is never signalled). */
export function isRedisProcess(pid: number): boolean {
  if (exited(pid)) return false;
  try {
    return /redis-(server|sentinel)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
}

/** Gone, or a zombie (exited; its parent, not us, has yet to reap it). */
function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(pid)) return true;
    await sleep(20);
  }
  return false;
}

/**
 * A non-persistent redis-server on `HOST` and a free port (or `options.port`).
 * Options: port, args (extra arguments), configFile (given first: `redis-server
 * <file> ...`), cwd, detached (outlives this process), logFile.
 */
export async function startRedisServer(options: StartServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const url = `redis://${HOST}:${port}`;
  const args = [
    ...(options.configFile ? [options.configFile] : []),
    ...['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'],
    ...(options.logFile ? ['--logfile', options.logFile] : []),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | null = null;
  let pid = 0;

  const start = async () => {
    const proc = spawn('redis-server', args, { stdio: 'ignore', cwd: options.cwd, detached: options.detached === true });
    if (options.detached) proc.unref();
    else killAttachedOnExit(proc);
    child = proc;
    pid = proc.pid ?? 0;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    proc.once('error', () => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!(await pingRedis(url, 200))) {
      if (exited) throw new Error(`redis-server on port ${port} exited at start (args: ${args.join(' ')})`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      await sleep(25);
    }
  };

  const stop = async ({ kill = false }: { kill?: boolean } = {}): Promise<void> => {
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
    get pid() {
      return pid;
    },
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
}

/** The topology's folder: `dir` if given (created), else a fresh temp folder. */
function topologyDir(dir: string | undefined, prefix: string): string {
  if (dir) {
    mkdirSync(dir, { recursive: true });
    return path.resolve(dir);
  }
  return mkdtempSync(path.join(tmpdir(), prefix));
}

async function stopAll(servers: readonly RedisServer[], dir: string, kill: boolean): Promise<void> {
  await Promise.all(servers.map((server) => server.stop({ kill })));
  rmSync(dir, { recursive: true, force: true });
}

// ---- single -------------------------------------------------------------------

/** One server, in a folder of its own (for the CLI harness and stress runs). */
export async function startSingle(options: TopologyOptions = {}): Promise<SingleTopology> {
  const dir = topologyDir(options.dir, 'enfyra-redis-single-');
  try {
    const server = await startRedisServer({ cwd: dir, detached: options.detached, logFile: path.join(dir, 'redis.log') });
    const topology: SingleTopology = {
      kind: 'single',
      dir,
      url: server.url,
      server,
      cacheRedisConfig: { url: server.url },
      pids: () => [server.pid],
      stop: ({ kill = true } = {}) => stopAll([server], dir, kill),
    };
    return topology;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

// ---- cluster ------------------------------------------------------------------

/**
 * A Redis Cluster of `masters` masters with `replicas` replicas each, created
 * with `redis-cli --cluster create`; returns once every slot is served, the
 * state is ok on every node, and every replica is in sync.
 * Options: masters (3), replicas (0), nodeTimeoutMs (2000), dir, detached.
 */
export async function startRedisCluster(options: ClusterOptions = {}): Promise<ClusterTopology> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const missing = missingRedisBinaries();
  if (missing.length) throw new Error(`a Redis Cluster needs ${missing.join(' and ')} on PATH`);
  const dir = topologyDir(options.dir, 'enfyra-redis-cluster-');
  const servers: RedisServer[] = [];
  try {
    const count = masters * (1 + replicas);
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const busPort = await freePort();
      const args = [
        ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
        ...['--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeoutMs)],
        // A replica takes over however long it was cut off from its master: tests kill masters on purpose.
        ...['--cluster-replica-validity-factor', '0'],
      ];
      servers.push(
        await startRedisServer({ port, cwd: dir, args, detached: options.detached, logFile: path.join(dir, `redis-${port}.log`) }),
      );
    }
    const nodes: HostPort[] = servers.map((server) => ({ host: HOST, port: server.port }));
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    const cluster = clusterHandle(dir, servers, nodes);
    await waitFor(() => cluster.healthy(), 'the cluster to be ok on every node with every replica in sync', 30_000);
    return cluster;
  } catch (err) {
    await stopAll(servers, dir, true);
    throw err;
  }
}

/** Parsed `CLUSTER NODES` of the node at `url` (null when it does not answer). */
export async function clusterNodes(url: string): Promise<ClusterNode[] | null> {
  const text = await withRedis(url, (c) => c.cluster('NODES'));
  if (typeof text !== 'string') return null;
  return text
    .trim()
    .split('\n')
    .map((line): ClusterNode => {
      // <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...
      const [id, address, flags, masterId, , , , linkState, ...slots] = line.split(' ');
      const port = Number(address.split('@')[0].split(':')[1]);
      const flagList = flags.split(',');
      return {
        id,
        port,
        flags: flagList,
        master: flagList.includes('master'),
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        masterId: masterId === '-' ? null : masterId,
        connected: linkState === 'connected',
        slots,
      };
    });
}

function clusterHandle(dir: string, servers: RedisServer[], nodes: HostPort[]): ClusterTopology {
  const byPort = new Map(servers.map((server) => [server.port, server]));
  const live = () => servers.filter((server) => server.running);
  const handle: ClusterTopology = {
    kind: 'cluster',
    dir,
    nodes,
    servers,
    cacheRedisConfig: { cluster: nodes },
    pids: () => servers.map((server) => server.pid),
    /** The server that serves `key`'s slot now, as a live node sees it. */
    async masterFor(key) {
      for (const server of live()) {
        const port = await withRedis(server.url, async (client) => {
          const slot = await client.cluster('KEYSLOT', key);
          const table = await client.cluster('SLOTS');
          // [from, to, master, ...replicas], each node [host, port, id, ...]
          const range = table.find(([from, to]) => slot >= from && slot <= to);
          return range ? Number(range[2][1]) : null;
        });
        const master = port === null ? undefined : byPort.get(port);
        if (master) return master;
      }
      throw new Error(`no live cluster node can say who serves ${key}`);
    },
    /** Every live node reports cluster_state:ok, all slots served by live masters, every live replica in sync. */
    async healthy() {
      for (const server of live()) {
        const state = await info(server.url, 'replication');
        if (state === null) return false;
        if (state.role === 'slave' && state.master_link_status !== 'up') return false;
        const ok = await withRedis(server.url, (c) => c.cluster('INFO'));
        if (ok === null || !/cluster_state:ok/.test(ok)) return false;
        const table = await clusterNodes(server.url);
        if (table === null || table.some((n) => n.master && n.slots.length > 0 && (n.failed || !byPort.get(n.port)?.running))) {
          return false;
        }
      }
      return true;
    },
    stop: ({ kill = true } = {}) => stopAll(servers, dir, kill),
  };
  return handle;
}

// ---- sentinel -----------------------------------------------------------------

/**
 * A primary, `replicas` replicas (1) and `sentinels` Sentinels (3, quorum a
 * majority) monitoring it under `name`; returns once every Sentinel knows the
 * replicas and the other Sentinels, so a failover can happen.
 * Options: name ('enfyra-test'), replicas, sentinels, downAfterMs (1000),
 * failoverTimeoutMs (3000), dir, detached.
 */
export async function startRedisSentinel(options: SentinelOptions = {}): Promise<SentinelTopology> {
  const name = options.name ?? 'enfyra-test';
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 3;
  const quorum = options.quorum ?? Math.floor(sentinelCount / 2) + 1;
  const dir = topologyDir(options.dir, 'enfyra-redis-sentinel-');
  const servers: RedisServer[] = [];
  const log = (file: string) => path.join(dir, file);
  try {
    const primary = await startRedisServer({ cwd: dir, detached: options.detached, logFile: log('primary.log') });
    servers.push(primary);
    const replicas: RedisServer[] = [];
    for (let i = 0; i < replicaCount; i++) {
      const replica = await startRedisServer({
        cwd: dir,
        detached: options.detached,
        logFile: log(`replica-${i}.log`),
        args: ['--replicaof', HOST, String(primary.port)],
      });
      servers.push(replica);
      replicas.push(replica);
    }
    const sentinels: RedisServer[] = [];
    for (let i = 0; i < sentinelCount; i++) {
      // Sentinel rewrites its config file, so each gets a private writable one.
      const configFile = log(`sentinel-${i}.conf`);
      writeFileSync(
        configFile,
        [
          `sentinel monitor ${name} ${HOST} ${primary.port} ${quorum}`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 3000}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startRedisServer({
        configFile,
        cwd: dir,
        detached: options.detached,
        logFile: log(`sentinel-${i}.log`),
        args: ['--sentinel'],
      });
      servers.push(sentinel);
      sentinels.push(sentinel);
    }
    const nodes: HostPort[] = sentinels.map((sentinel) => ({ host: HOST, port: sentinel.port }));
    const handle: SentinelTopology = {
      kind: 'sentinel',
      name,
      dir,
      nodes,
      primary,
      replicas,
      sentinels,
      servers,
      masterUrl: primary.url,
      cacheRedisConfig: { sentinels: nodes, name },
      pids: () => servers.map((server) => server.pid),
      dataServers: [primary, ...replicas],
      async currentMasterPort() {
        const votes = new Map<number, number>();
        for (const sentinel of sentinels) {
          const reply = await withRedis(sentinel.url, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name));
          if (Array.isArray(reply)) votes.set(Number(reply[1]), (votes.get(Number(reply[1])) ?? 0) + 1);
        }
        for (const [port, count] of votes) if (count >= quorum) return port;
        return null;
      },
      async currentMaster() {
        const port = await handle.currentMasterPort();
        const server = [primary, ...replicas].find((s) => s.port === port);
        if (!server || (await info(server.url, 'replication'))?.role !== 'master') return null;
        return server;
      },
      async healthy() {
        const masterPort = await handle.currentMasterPort();
        if (masterPort === null) return false;
        const liveReplicas = [primary, ...replicas].filter((s) => s.running && s.port !== masterPort).length;
        for (const sentinel of sentinels.filter((s) => s.running)) {
          const ok = await withRedis(sentinel.url, async (c) => {
            const master = pairs(await c.call('SENTINEL', 'MASTER', name));
            const seen = await c.call('SENTINEL', 'REPLICAS', name);
            const upReplicas = (Array.isArray(seen) ? seen.map(pairs) : []).filter(
              (r) => !/s_down|o_down|disconnected/.test(r.flags ?? '') && r['master-link-status'] === 'ok',
            );
            return (
              !/s_down|o_down/.test(master.flags ?? '') &&
              Number(master['num-other-sentinels']) >= sentinelCount - 1 &&
              upReplicas.length >= liveReplicas
            );
          });
          if (!ok) return false;
        }
        return true;
      },
      stop: ({ kill = true } = {}) => stopAll(servers, dir, kill),
    };
    await waitFor(() => handle.healthy(), 'every Sentinel to see the master, its replicas and the other Sentinels', 30_000);
    return handle;
  } catch (err) {
    await stopAll(servers, dir, true);
    throw err;
  }
}

/** A Sentinel reply's flat `[field, value, field, value, ...]` list as a map (empty for anything else). */
function pairs(flat: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

// ---- detached topologies (the CLI) ---------------------------------------------

/** Write what `stop` needs to find the processes again. */
function writeState(topology: Topology): TopologyState {
  const state: TopologyState = {
    kind: topology.kind,
    dir: topology.dir,
    pids: topology.pids(),
    cache: { driver: 'redis', redis: topology.cacheRedisConfig },
  };
  writeFileSync(path.join(topology.dir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
  return state;
}

function readState(dir: string): TopologyState | null {
  const file = path.join(dir, STATE_FILE);
  if (!existsSync(file)) return null;
  const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a topology state this harness wrote: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** End the processes listed in `dir`'s state file (SIGTERM, then SIGKILL) and remove the folder. */
async function stopFromState(dir: string): Promise<{ stopped: number; found: boolean }> {
  const state = readState(dir);
  if (state === null) {
    const existed = existsSync(dir);
    rmSync(dir, { recursive: true, force: true });
    return { stopped: 0, found: existed };
  }
  const pids = state.pids.filter(isRedisProcess);
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  for (const pid of pids) {
    if (!(await waitForPidExit(pid, 3000)) && isRedisProcess(pid)) process.kill(pid, 'SIGKILL');
  }
  for (const pid of pids) await waitForPidExit(pid, 3000);
  rmSync(dir, { recursive: true, force: true });
  return { stopped: pids.length, found: true };
}

/**
 * The command line shared by cluster.ts, sentinel.ts and single.ts:
 * `start [--dir D] [--json]`, `stop [--dir D]`, `status [--dir D]`.
 * The default folder is .tmp/redis/<kind> under the current directory.
 */
export async function topologyCli(
  kind: TopologyKind,
  startTopology: (options: TopologyOptions) => Promise<Topology>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const dirAt = rest.indexOf('--dir');
  const dir = path.resolve(dirAt >= 0 && rest[dirAt + 1] ? rest[dirAt + 1] : path.join('.tmp', 'redis', kind));
  const json = rest.includes('--json');
  switch (command) {
    case 'start': {
      const missing = missingRedisBinaries();
      if (missing.length) {
        console.error(`${kind}: ${missing.join(' and ')} not found on PATH; install Redis (e.g. apt-get install redis-server)`);
        return 1;
      }
      const old = readState(dir);
      if (old !== null && old.pids.some(isRedisProcess)) {
        console.error(`${kind}: already running (see ${path.join(dir, STATE_FILE)}); stop it first`);
        return 1;
      }
      rmSync(dir, { recursive: true, force: true });
      const topology = await startTopology({ dir, detached: true });
      const state = writeState(topology);
      if (json) console.log(JSON.stringify(state));
      else {
        console.log(`${kind} started in ${dir} (pids ${state.pids.join(' ')})`);
        console.log(`enfyra.config.json "cache": ${JSON.stringify(state.cache)}`);
        if ('url' in topology.cacheRedisConfig) console.log(`REDIS_URL=${topology.cacheRedisConfig.url}`);
        console.log(`stop it with: node scripts/redis/${kind}.ts stop${dirAt >= 0 ? ` --dir ${dir}` : ''}`);
      }
      return 0;
    }
    case 'stop': {
      const { stopped, found } = await stopFromState(dir);
      console.log(found ? `${kind}: stopped ${stopped} process(es), removed ${dir}` : `${kind}: nothing to stop in ${dir}`);
      return 0;
    }
    case 'status': {
      const state = readState(dir);
      if (state === null) {
        console.log(`${kind}: not running (no ${path.join(dir, STATE_FILE)})`);
        return 1;
      }
      const alive = state.pids.filter(isRedisProcess);
      console.log(JSON.stringify({ ...state, alive }, null, 2));
      return alive.length === state.pids.length ? 0 : 1;
    }
    default:
      console.log(`usage: node scripts/redis/${kind}.ts start|stop|status [--dir DIR] [--json]`);
      return command === 'help' || command === '--help' ? 0 : 2;
  }
}
