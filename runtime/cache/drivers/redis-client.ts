/**
 * Builds the ioredis client from config: single node (URL), Sentinel or
 * Cluster. Tuned so that no call can hang and a dead server costs a bounded
 * delay:
 * - lazyConnect: nothing connects until the first command, so a CLI starts
 *   (and runs hooks that never touch $cache) with Redis down;
 * - connectTimeout, and a per-command bound: ioredis's commandTimeout for
 *   Sentinel; for a Cluster one that also covers its queues and retries
 *   (redis-cluster-deadline.ts); for a single node the driver's StallGuard
 *   does the same job without a timer per command;
 * - maxRetriesPerRequest 0: queued commands fail on the first failed
 *   (re)connect instead of waiting for several;
 * - autoResendUnfulfilledCommands off: a command whose reply was lost with the
 *   connection is not sent twice (a resent SET NX would report a lock we hold
 *   as taken; a resent INCRBY would count twice);
 * - a short reconnect delay, so a server that comes back is used again quickly;
 * - Sentinel: follow a failover as soon as the Sentinels announce it
 *   (SentinelFailoverWatch), and reconnect on READONLY.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../../config/schema.ts';
import { unrefHandle } from '../../shared/keep-alive.ts';
import { redisMode } from './redis-config.ts';
import { enforceCommandDeadline } from './redis-cluster-deadline.ts';

export type RedisClient = Redis | Cluster;

export { redisMode, type RedisMode } from './redis-config.ts';

const RECONNECT_DELAY_CAP_MS = 200;

const READONLY = /^READONLY\b/;

const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, RECONNECT_DELAY_CAP_MS);

export function createRedisClient(config: RedisConfig): RedisClient {
  const timeoutMs = config.commandTimeoutMs;
  const node: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: timeoutMs,
    // A dropped connection to a server that no longer answers never closes gracefully: do not wait the default 2 s for it.
    disconnectTimeout: 20,
  };
  const mode = redisMode(config);
  // A single node has the driver's StallGuard; a Cluster's deadline also covers its queues (redis-cluster-deadline.ts).
  if (mode === 'sentinel') node.commandTimeout = timeoutMs;
  if (config.password !== undefined) node.password = config.password;
  if (config.tls) node.tls = {};

  if (mode === 'cluster') {
    const { lazyConnect: _lazy, enableOfflineQueue: _queue, ...redisOptions } = node;
    const options: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: true,
      clusterRetryStrategy: reconnectDelay,
      slotsRefreshTimeout: timeoutMs,
      redisOptions,
    };
    const cluster = new Cluster(config.cluster!, options);
    cluster.on('+node', (node: Redis) => unrefOnConnect(node));
    enforceCommandDeadline(cluster, timeoutMs);
    return cluster;
  }
  node.retryStrategy = reconnectDelay;
  if (mode === 'sentinel') {
    return new Redis({
      ...node,
      sentinels: config.sentinels,
      name: config.name,
      sentinelRetryStrategy: reconnectDelay,
      // A primary demoted under us answers writes with READONLY: reconnect, which asks the Sentinels again.
      reconnectOnError: (err) => (READONLY.test(err.message) ? 1 : false),
      enableTLSForSentinelMode: config.tls === true,
      ...(config.sentinelPassword !== undefined && { sentinelPassword: config.sentinelPassword }),
    });
  }
  return unrefOnConnect(config.url ? new Redis(config.url, node) : new Redis(node));
}

/**
 * An idle connection does not keep the process alive (a program that never closes the runtime still
 * ends); the driver keeps it alive while a command is pending (shared/keep-alive.ts).
 */
function unrefOnConnect<T extends Redis>(client: T): T {
  client.on('connect', () => unrefHandle(client.stream));
  return client;
}

/**
 * Moves a Sentinel-mode client to the new primary as soon as the Sentinels
 * announce a failover (`+switch-master`), instead of only when its connection
 * breaks. Needed because after a failover the old primary, if still running,
 * keeps accepting writes — which it discards when a Sentinel gets round to
 * demoting it, up to ~10 s later — and a lock taken there is invisible to
 * everyone on the new primary.
 *
 * ioredis's own `failoverDetector` does this too, but its Sentinel connections
 * have no error listener (a Sentinel going down prints "Unhandled error event")
 * and `quit()` leaves them open; these subscribers are ours to silence and close.
 */
export class SentinelFailoverWatch {
  private subscribers: Redis[] = [];
  private stopped = false;

  private readonly client: Redis;
  private readonly config: RedisConfig;

  constructor(
    client: Redis,
    config: RedisConfig,
  ) {
    this.client = client;
    this.config = config;
  }

  /** Subscribe on every Sentinel (once; call after the client first connected, so nothing connects early). */
  start(): void {
    if (this.subscribers.length || this.stopped) return;
    const { config } = this;
    for (const sentinel of config.sentinels ?? []) {
      const subscriber = new Redis({
        host: sentinel.host,
        port: sentinel.port,
        connectTimeout: config.commandTimeoutMs,
        retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
        ...(config.sentinelPassword !== undefined && { password: config.sentinelPassword }),
        ...(config.tls && { tls: {} }),
      });
      subscriber.on('error', () => {});
      unrefOnConnect(subscriber);
      subscriber.on('message', (_channel: string, message: string) => {
        if (message.split(' ')[0] === config.name) this.failedOver();
      });
      subscriber.subscribe('+switch-master').catch(() => {});
      this.subscribers.push(subscriber);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const subscriber of this.subscribers.splice(0)) subscriber.disconnect();
  }

  private failedOver(): void {
    // Reconnecting asks the Sentinels for the primary again. Only with a stream open (see dropStalledConnection).
    if (this.client.status === 'ready' || this.client.status === 'connect') this.client.disconnect(true);
  }
}
