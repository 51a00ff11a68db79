/**
 * Fixture files handed out one at a time to whoever has room (tasks in this
 * process, worker processes), results delivered in input order as soon as a
 * result and all those before it are in.
 */
export class OrderedQueue<T, R> {
  private next = 0;
  private readonly returned: number[] = [];
  private delivered = 0;
  private readonly results: Array<R | undefined>;

  private readonly items: readonly T[];
  private readonly onResult: (result: R, index: number) => void;

  constructor(
    items: readonly T[],
    onResult: (result: R, index: number) => void = () => {},
  ) {
    this.items = items;
    this.onResult = onResult;
    this.results = new Array<R | undefined>(items.length);
  }

  take(): { item: T; index: number } | null {
    const index = this.returned.pop() ?? (this.next < this.items.length ? this.next++ : null);
    return index === null ? null : { item: this.items[index]!, index };
  }

  /** An item taken by someone who can no longer run it: the next `take` hands it out again. */
  giveBack(index: number): void {
    this.returned.push(index);
  }

  settle(index: number, result: R): void {
    this.results[index] = result;
    while (this.delivered < this.items.length && this.results[this.delivered] !== undefined) {
      this.onResult(this.results[this.delivered]!, this.delivered);
      this.delivered++;
    }
  }

  /** Items never taken or never settled get `fallback(item)` as their result. */
  finish(fallback: (item: T) => R): R[] {
    for (let i = 0; i < this.items.length; i++) if (this.results[i] === undefined) this.settle(i, fallback(this.items[i]!));
    return this.results as R[];
  }
}

/**
 * `concurrency` loops, each taking the next item until none is left. A task
 * that resolves to null cannot run items any more: the item goes back to the
 * queue and that loop ends. Once `signal` is aborted no further item is taken.
 */
export async function drain<T, R>(
  queue: OrderedQueue<T, R>,
  concurrency: number,
  task: (item: T, index: number) => Promise<R | null>,
  signal?: AbortSignal,
): Promise<void> {
  const take = () => (signal?.aborted ? null : queue.take());
  const loop = async () => {
    for (let next = take(); next; next = take()) {
      const result = await task(next.item, next.index);
      if (result === null) return queue.giveBack(next.index);
      queue.settle(next.index, result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, loop));
}
