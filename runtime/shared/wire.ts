/**
 * What host methods receive from a script. Each argument is copied out of the
 * isolate as JSON:
 * - a top-level `undefined` argument arrives as `undefined` (an omitted argument);
 * - `undefined` nested in an object is dropped and in an array becomes null, as JSON does;
 * - a function, symbol or BigInt (at any depth), a cycle, or a getter/toJSON
 *   that throws turns the whole argument into an `Unrepresentable` marker, so
 *   the receiving method can reject it with an error naming the argument
 *   (the isolate side never throws for these itself).
 */
export const UNREPRESENTABLE_KINDS = ['function', 'symbol', 'bigint', 'circular', 'unserializable'] as const;
export type UnrepresentableKind = (typeof UNREPRESENTABLE_KINDS)[number];

export class Unrepresentable {
  readonly kind: UnrepresentableKind;
  /** Human-readable detail, e.g. "BigInt at .a.b" or the message a getter threw. */
  readonly detail: string;

  constructor(kind: UnrepresentableKind, detail: string) {
    this.kind = kind;
    this.detail = detail;
  }

  describe(): string {
    return this.detail || this.kind;
  }
}

export function isUnrepresentable(value: unknown): value is Unrepresentable {
  return value instanceof Unrepresentable;
}
