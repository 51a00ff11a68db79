/** Types for harness.js (plain JavaScript so the scripts run without a build). */
import type { Redis } from 'ioredis';

export const HOST: string;

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

/** The `cache.redis` config that reaches a topology. */
export type CacheRedisConfig = { url: string } | { cluster: HostPort[] } | { sentinels: HostPort[]; name: string };

interface Topology {
  readonly kind: 'single' | 'cluster' | 'sentinel';
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
  readonly dataServers: RedisServer[];
  /** The initial primary's URL. */
  readonly masterUrl: string;
  readonly cacheRedisConfig: { sentinels: HostPort[]; name: string };
  currentMasterPort(): Promise<number | null>;
  /** The data server that is master now (Sentinels agree and it says so), or null. */
  currentMaster(): Promise<RedisServer | null>;
  healthy(): Promise<boolean>;
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

export interface TopologyState {
  kind: string;
  dir: string;
  pids: number[];
  cache: { driver: 'redis'; redis: CacheRedisConfig };
}

export function sleep(ms: number): Promise<void>;
export function missingRedisBinaries(binaries?: string[]): string[];
export function hasRedisServerBinary(): boolean;
export function freePort(): Promise<number>;
export function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>, timeoutMs?: number): Promise<T | null>;
export function pingRedis(url: string, timeoutMs?: number): Promise<boolean>;
export function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs?: number, everyMs?: number): Promise<void>;
export function info(url: string, section: string): Promise<Record<string, string> | null>;
export function isRedisProcess(pid: number): boolean;
export function startRedisServer(options?: StartServerOptions): Promise<RedisServer>;
export function startSingle(options?: TopologyOptions): Promise<SingleTopology>;
export function startRedisCluster(options?: ClusterOptions): Promise<ClusterTopology>;
export function clusterNodes(url: string): Promise<ClusterNode[] | null>;
export function startRedisSentinel(options?: SentinelOptions): Promise<SentinelTopology>;
export function writeState(topology: Topology, extra?: Record<string, unknown>): TopologyState;
export function readState(dir: string): TopologyState | null;
export function stopFromState(dir: string): Promise<{ stopped: number; found: boolean }>;
export function topologyCli(
  kind: string,
  start: (options: TopologyOptions) => Promise<Topology>,
  argv?: string[],
): Promise<number>;
