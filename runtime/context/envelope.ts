/** The result envelope of DESIGN §6: what `--json` prints and what the API returns. */
import type { InvocationOutcome } from '../sandbox/invocation.ts';
import type { Effect, Warning } from '../shared/diagnostics.ts';

export interface EnvelopeError {
  /** The HTTP status Enfyra answers with (see context/enfyra-errors.ts scriptFailureError). */
  statusCode: number;
  /** Enfyra's message (an uncaught error reads "Script execution failed: … (handler, line N)"). */
  message: string;
  /** The script error's own name (ReferenceError, HttpException, ...). */
  name: string;
  /** Enfyra's error code (HTTP_ERROR, SCRIPT_EXECUTION_ERROR, SCRIPT_TIMEOUT, NOT_FOUND, ...), when the error has one. */
  code?: string;
  details?: unknown;
}

export interface Envelope {
  statusCode: number;
  data: unknown;
  error: EnvelopeError | null;
  /**
   * On an error, the body Enfyra's exception filter sends:
   * `{success:false, message, statusCode, error:{code, message, details, timestamp, path, method, correlationId}}`.
   */
  errorBody?: Record<string, unknown>;
  /**
   * Enfyra's log entries, as it merges them into a response: one JSON value per argument of each
   * `$logs(...)`/`console.*` call (objects stay objects), then enfyra-run's own notes as
   * `[enfyra-run] ...` strings.
   */
  logs: unknown[];
  /** Portability and trap warnings, each naming the script line (see shared/diagnostics.ts). */
  warnings: Warning[];
  /** What members that reach outside the request did or would have done. */
  effects: Effect[];
  durationMs: number;
}

export function errorStatus(outcome: Pick<InvocationOutcome, 'error'>): number {
  const status = outcome.error?.statusCode;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

/** A hook's own `$ctx.$statusCode` wins on success when it is a valid HTTP status (non-HTTP script kinds). */
export function successStatus(statusCode: unknown): number {
  return Number.isInteger(statusCode) && (statusCode as number) >= 100 && (statusCode as number) <= 599
    ? (statusCode as number)
    : 200;
}

export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Exit code contract: 0 below 400, 1 otherwise. */
export function exitCodeFor(envelope: Envelope): 0 | 1 {
  return envelope.statusCode < 400 ? 0 : 1;
}
