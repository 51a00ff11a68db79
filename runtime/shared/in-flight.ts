/**
 * The work in flight in a long-lived object (a sandbox's running invocations, a server's requests), for
 * stopping or awaiting all of it.
 *
 * Not a Set: V8 replaces a Set's hash table as entries come and go, and once a long-lived Set's table is
 * in the old generation its replacements are too. A replaced table still points at the entries it held,
 * so while items overlap, every young-generation GC until the next full one found finished items (an
 * invocation with its request, result and logs) referenced and promoted them, and V8 grew the young
 * generation to its maximum within ~20,000 invocations (bench row 7). An array that stays about the same
 * length keeps its one backing store.
 */
export class InFlight<T> {
  private readonly items: T[] = [];

  add(item: T): void {
    this.items.push(item);
  }

  delete(item: T): void {
    const at = this.items.indexOf(item);
    if (at < 0) return;
    const last = this.items.pop()!;
    if (at < this.items.length) this.items[at] = last;
  }

  /** A copy: what is in flight now, safe to iterate while items finish. */
  snapshot(): T[] {
    return this.items.slice();
  }
}
