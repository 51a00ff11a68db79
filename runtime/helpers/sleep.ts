import type { InvocationScope } from '../sandbox/host-module.ts';
import { numberArg } from './args.ts';

export const MAX_SLEEP_MS = 30_000;

/** Waits `ms`, clamped to 0..30 s and to the invocation's remaining wall-clock time. */
export async function sleep(ms: unknown, scope: InvocationScope): Promise<void> {
  const wanted = numberArg(ms, '$helpers.$sleep', 'ms');
  const wait = Math.min(Math.max(wanted, 0), MAX_SLEEP_MS, scope.remainingWallMs());
  await new Promise((resolve) => setTimeout(resolve, wait));
}
