/** A mistake in how the tool was called (a flag, a path, an argument): printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
