/**
 * Redis driver (ioredis): the one that coordinates across machines. Every
 * method is one round trip: plain commands where Redis is already atomic
 * (SET NX PX, INCRBY, INCR), Lua where several steps must be one.
 * Connection loss surfaces as CacheUnavailableError (503) within about
 * `commandTimeoutMs`; see redis-client.ts for how that is bounded.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RedisConfig } from '../../config/schema.ts';
import { CacheUnavailableError, NotAnIntegerError, type CacheDriver, type SlidingWindowResult } from '../driver.ts';
import { createRedisClient, redisMode, SentinelFailoverWatch, type RedisClient } from './redis-client.ts';
import { checkRedisConfig, redactRedisUrl } from './redis-config.ts';
import { StallGuard } from './redis-stall-guard.ts';
import { keepAlive } from '../../shared/keep-alive.ts';
import { defineCacheScripts, type CacheScripts } from './redis-scripts.ts';

export class RedisCacheDriver implements CacheDriver {
  readonly kind = 'redis';
  private readonly client: RedisClient & CacheScripts;
  /** Maps errors to cache errors and bounds the wait; how depends on the mode. */
  private readonly guard: <T>(pending: Promise<T>) => Promise<T>;
  /** Sliding-window hits are sorted-set members and must be unique across processes. */
  private readonly memberPrefix = `${randomBytes(8).toString('hex')}:`;
  private hitSeq = 0;

  private readonly stallGuard: StallGuard | null = null;
  private readonly failoverWatch: SentinelFailoverWatch | null = null;

  /** Why the last connection attempt failed (cleared once connected), to explain a rejected command. */
  private lastConnectionError: string | null = null;

  /**
   * The database the URL names. ioredis selects it on every connect, but when
   * the server refuses, it only emits an error and goes on in database 0; so
   * until one explicit SELECT has succeeded, no command is sent.
   */
  private readonly db: number;
  private readonly urlForMessages: string;
  private databaseSelected: boolean;
  private selecting: Promise<void> | null = null;
  private databaseRefused: CacheUnavailableError | null = null;

  private readonly commandTimeoutMs: number;

  constructor(config: RedisConfig) {
    this.commandTimeoutMs = config.commandTimeoutMs;
    this.db = checkRedisConfig(config);
    this.urlForMessages = config.url === undefined ? '' : redactRedisUrl(config.url);
    this.databaseSelected = this.db === 0;
    const client = createRedisClient(config);
    // Failures reach callers as rejected commands (explained with this); the event would only be logged as unhandled.
    const noteConnectionError = (err: unknown) => {
      this.lastConnectionError = err instanceof Error ? err.message : String(err);
    };
    client.on('error', noteConnectionError);
    client.on('node error', noteConnectionError);
    client.on('ready', () => (this.lastConnectionError = null));
    this.client = defineCacheScripts(client);
    const timeoutMs = config.commandTimeoutMs;
    const toCacheError = (err: unknown): never => cacheError(err, timeoutMs, this.lastConnectionError);
    switch (redisMode(config)) {
      case 'single': {
        const stallGuard = new StallGuard(timeoutMs, () => dropStalledConnection(client), toCacheError);
        this.stallGuard = stallGuard;
        this.guard = (pending) => stallGuard.track(pending);
        break;
      }
      case 'sentinel': {
        const watch = new SentinelFailoverWatch(client as Redis, config);
        this.failoverWatch = watch;
        client.once('ready', () => watch.start());
        this.guard = (pending) => pending.catch(toCacheError);
        break;
      }
      case 'cluster':
        // Its commands carry their own deadline, queues and retries included (redis-cluster-deadline.ts).
        this.guard = (pending) => pending.catch(toCacheError);
        break;
    }
    // The connection is unref'd (redis-client.ts): a pending command keeps the process alive instead.
    const bounded = this.guard;
    this.guard = (pending) => keepAlive(bounded(pending));
  }

  get(key: string): Promise<string | null> {
    return this.run(() => this.client.get(key));
  }

  async set(key: string, value: string, ttlMs: number | null): Promise<void> {
    await this.run(() => (ttlMs === null ? this.client.set(key, value) : this.client.set(key, value, 'PX', ttlMs)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.run(() => this.client.del(key))) > 0;
  }

  async acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.run(() => this.client.set(key, value, 'PX', ttlMs, 'NX'))) === 'OK';
  }

  async release(key: string, value: string): Promise<boolean> {
    return (await this.run(() => this.client.cacheRelease(key, value))) === 1;
  }

  incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    return this.run(() => (ttlMs === null ? this.client.incrby(key, by) : this.client.cacheIncrWithTtl(key, by, ttlMs)));
  }

  async slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult> {
    const member = this.memberPrefix + (++this.hitSeq).toString(36);
    const [allowed, count, oldestExpiresAt, now] = await this.run(() =>
      this.client.cacheSlidingWindow(key, limit, windowMs, member),
    );
    return { allowed: allowed === 1, count, oldestExpiresAt, now };
  }

  nextFencingToken(key: string): Promise<number> {
    return this.run(() => this.client.incr(key));
  }

  async ttl(key: string): Promise<number | null> {
    const ms = await this.run(() => this.client.pttl(key));
    return ms === -2 ? -1 : ms === -1 ? null : ms;
  }

  /** Sends a command once the URL's database is known to be selected. */
  private run<T>(command: () => Promise<T>): Promise<T> {
    if (this.databaseSelected) return this.guard(command());
    return this.selectDatabase().then(() => this.guard(command()));
  }

  private selectDatabase(): Promise<void> {
    if (this.databaseRefused) return Promise.reject(this.databaseRefused);
    return (this.selecting ??= this.guard((this.client as Redis).select(this.db)).then(
      () => {
        this.databaseSelected = true;
      },
      (err: unknown) => {
        // Unreachable now: try again with the next command. Refused: never send anything.
        this.selecting = null;
        if (!(err instanceof Error) || !DATABASE_REFUSED.test(err.message)) throw err;
        this.databaseRefused = new CacheUnavailableError(
          `cache unavailable (redis): the server refused database ${this.db} of ${this.urlForMessages} (${err.message}); ` +
            'use a database index it has (its "databases" setting, 16 by default)',
        );
        throw this.databaseRefused;
      },
    ));
  }

  close(): Promise<void> {
    // The goodbye travels on an unref'd connection: keep the process up until it is said.
    return keepAlive(this.closeNow());
  }

  private async closeNow(): Promise<void> {
    this.stallGuard?.stop();
    this.failoverWatch?.stop();
    if (this.client.status === 'ready') {
      // A server that hangs never answers QUIT: the goodbye waits one command timeout at most. That timer is
      // unref'd (keepAlive holds the process while it runs): once QUIT is answered it must not hold the process.
      const said = this.client.quit().then(() => true, () => false);
      if (await Promise.race([said, delay(this.commandTimeoutMs, false, { ref: false })])) return;
    }
    this.client.disconnect();
  }
}

/**
 * Only with a stream open: dropping a connection that is still being set up
 * can end the client for good in ioredis, and connectTimeout covers that phase.
 */
function dropStalledConnection(client: RedisClient): void {
  if (client.status === 'ready' || client.status === 'connect') client.disconnect(true);
}

const DATABASE_REFUSED = /DB index is out of range|invalid DB index|SELECT is not allowed/i;

// Replies that mean "the server cannot serve right now", not "your command is wrong".
const TRANSIENT_REPLY = /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|BUSY|NOREPLICAS)\b/;
const NOT_AN_INTEGER = /not an integer|out of range|overflow/i;

/**
 * A command's failure as scripts should see it: a wrong command stays what it
 * is; anything that means "Redis cannot be used right now" becomes a 503
 * CacheUnavailableError whose message says what happened in plain words
 * (ioredis's own wording, e.g. "Reached the max retries per request limit
 * (which is 0)", describes its options, not the server).
 */
function cacheError(err: unknown, timeoutMs: number, lastConnectionError: string | null): never {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'ReplyError') {
    if (NOT_AN_INTEGER.test(message)) throw new NotAnIntegerError(message);
    if (!TRANSIENT_REPLY.test(message)) throw err;
  }
  const cause = lastConnectionError ? ` (${lastConnectionError})` : '';
  let plain = message;
  if (message.startsWith('Reached the max retries per request limit')) plain = `cannot reach the server${cause}`;
  else if (message === 'Command timed out') plain = `no reply within ${timeoutMs} ms${cause}`;
  else if (message === 'Connection is closed.') plain = `the connection to the server was lost${cause}`;
  else if (message.startsWith('Too many Cluster redirections')) plain = `the cluster could not route the command (failover in progress?): ${message}`;
  throw new CacheUnavailableError(`cache unavailable (redis): ${plain}`);
}
