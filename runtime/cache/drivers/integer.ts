import { NotAnIntegerError } from '../driver.ts';

// Redis's own integer syntax: no sign on zero, no leading zeros, no "+", no spaces.
const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/** The result of adding `by` to a stored integer string (null: absent, counts as 0), as Redis INCRBY does. */
export function addToStoredInteger(stored: string | null, by: number): number {
  const current = stored === null ? 0 : INTEGER.test(stored) ? Number(stored) : Number.NaN;
  const next = current + by;
  if (!Number.isSafeInteger(current) || !Number.isSafeInteger(next)) {
    throw new NotAnIntegerError('value is not an integer or out of range');
  }
  return next;
}
