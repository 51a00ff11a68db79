/** Epoch milliseconds. Drivers take one so tests and replay can move time without sleeping. */
export type Clock = () => number;

export const systemClock: Clock = Date.now;

/** A clock that only moves when told to. Pass `clock.now` (a bound function) where a `Clock` is expected. */
export class ManualClock {
  private ms: number;

  constructor(startMs: number = Date.UTC(2024, 0, 1)) {
    this.ms = startMs;
  }

  readonly now: Clock = () => this.ms;

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance: ms must be a finite number >= 0, got ${ms}`);
    this.ms += ms;
    return this.ms;
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`ManualClock.set: ms must be finite, got ${ms}`);
    this.ms = ms;
  }
}
