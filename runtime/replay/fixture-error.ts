import type { z } from 'zod';
import { formatFixtureField, type PathSegment } from '../shared/field-path.ts';

/** A fixture file that cannot be replayed: names the field at fault. */
export class FixtureError extends Error {
  override readonly name = 'FixtureError';
  readonly field: string | null;

  constructor(path: readonly PathSegment[] | null, message: string) {
    super(message);
    this.field = path === null ? null : formatFixtureField(path);
  }
}

/** The first issue of a zod error as a FixtureError; `prefix` is where the validated value sits in the file. */
export function fromZod(error: z.ZodError, prefix: readonly PathSegment[]): FixtureError {
  const issue = error.issues[0]!;
  const at = [...prefix, ...(issue.path as PathSegment[])];
  if (issue.code === 'unrecognized_keys') return new FixtureError([...at, issue.keys[0]!], 'unknown field (see docs/replay.md for the fields a fixture may have)');
  return new FixtureError(at, issue.message);
}
