/**
 * Bounds command time on a single Redis connection without a timer per
 * command (ioredis's `commandTimeout` arms and clears one for every call,
 * which is measurable on the `$cache.get` hot path).
 *
 * Redis answers a connection's commands in order, so "the oldest outstanding
 * command has waited longer than the limit" is the same as "commands are
 * outstanding and none has settled for the limit". One interval timer checks
 * that while there is traffic; on a stall it drops the connection, and ioredis
 * (maxRetriesPerRequest 0) rejects everything outstanding and reconnects.
 */
export class StallGuard {
  private inFlight = 0;
  private settledCount = 0;
  private seenSettled = 0;
  private quietSince = 0;
  private idleTicks = 0;
  private timer: NodeJS.Timeout | null = null;

  private readonly limitMs: number;
  private readonly onStall: () => void;
  private readonly mapError: (err: unknown) => never;

  constructor(
    limitMs: number,
    onStall: () => void,
    mapError: (err: unknown) => never,
  ) {
    this.limitMs = limitMs;
    this.onStall = onStall;
    this.mapError = mapError;
  }

  /** `pending`, with errors mapped, counted until it settles. */
  track<T>(pending: Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.quietSince = Date.now();
    if (this.timer === null) this.start();
    return pending.then(this.fulfilled as (value: T) => T, this.rejected);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private readonly fulfilled = (value: unknown): unknown => {
    this.inFlight--;
    this.settledCount++;
    return value;
  };

  private readonly rejected = (err: unknown): never => {
    this.inFlight--;
    this.settledCount++;
    return this.mapError(err);
  };

  private start(): void {
    this.idleTicks = 0;
    this.seenSettled = this.settledCount;
    this.timer = setInterval(this.tick, Math.max(10, Math.floor(this.limitMs / 20)));
    this.timer.unref();
  }

  private readonly tick = (): void => {
    if (this.inFlight === 0) {
      // Keep the timer through short idle gaps so sequential calls do not re-arm it each time.
      if (++this.idleTicks >= 100) this.stop();
      return;
    }
    this.idleTicks = 0;
    const now = Date.now();
    if (this.settledCount !== this.seenSettled) {
      this.seenSettled = this.settledCount;
      this.quietSince = now;
    } else if (now - this.quietSince >= this.limitMs) {
      this.quietSince = now;
      this.onStall();
    }
  };
}
