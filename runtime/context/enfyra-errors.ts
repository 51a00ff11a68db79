/**
 * Errors as Enfyra's HTTP layer reports them (server
 * src/domain/exceptions/custom-exceptions.ts and
 * filters/global-exception.filter.ts): a status, an error code, a message
 * (a string, or the list of a BadRequestException built from several) and
 * details, sent as
 * `{ success: false, message, statusCode, error: { code, message, details, timestamp, path, method, correlationId } }`.
 */

export interface EnfyraError {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string | readonly string[];
  /** undefined is left out of the body (JSON), null is sent as null. */
  readonly details?: unknown;
  /** The exception class Enfyra would throw (for the `--json` envelope and the inspector). */
  readonly name: string;
}

/** Enfyra's CustomException subclasses used by the pipeline. */
export const enfyraErrors = {
  unauthorized: (): EnfyraError => ({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Unauthorized', name: 'UnauthorizedException' }),
  invalidToken: (): EnfyraError => ({ statusCode: 401, code: 'INVALID_TOKEN', message: 'Invalid token provided', name: 'InvalidTokenException' }),
  tokenExpired: (): EnfyraError => ({ statusCode: 401, code: 'TOKEN_EXPIRED', message: 'Token has expired', name: 'TokenExpiredException' }),
  badRequest: (messages: readonly string[]): EnfyraError => ({ statusCode: 400, code: 'BAD_REQUEST', message: messages, name: 'BadRequestException' }),
  businessLogic: (message: string, details?: unknown): EnfyraError => ({
    statusCode: 400,
    code: 'BUSINESS_LOGIC_ERROR',
    message,
    details,
    name: 'BusinessLogicException',
  }),
  /** 4xx thrown from a handler batch: DynamicService wraps it as an HttpException. */
  http: (statusCode: number, message: string, details: unknown): EnfyraError => ({ statusCode, code: 'HTTP_ERROR', message, details, name: 'HttpException' }),
  scriptExecution: (message: string, details: Record<string, unknown>): EnfyraError => ({
    statusCode: 400,
    code: 'SCRIPT_EXECUTION_ERROR',
    message: `Script execution failed: ${message}`,
    details,
    name: 'ScriptExecutionException',
  }),
  configuration: (message: string, configKey?: string): EnfyraError => ({
    statusCode: 500,
    code: 'CONFIGURATION_ERROR',
    message: `Configuration error: ${message}`,
    details: { configKey },
    name: 'ConfigurationException',
  }),
};

/**
 * An error that is not one of Enfyra's exceptions but carries a numeric
 * statusCode (body-parser's, or an error from the script engine): the filter
 * uses its `errorCode` or else its name as the code.
 */
export function fromStatusError(err: { statusCode: number; name?: string; message?: string; errorCode?: string; details?: unknown }): EnfyraError {
  return {
    statusCode: err.statusCode,
    code: err.errorCode ?? err.name ?? 'Error',
    message: err.message ?? '',
    details: err.details,
    name: err.name ?? 'Error',
  };
}

/** Any other error reaching the filter: 500 INTERNAL_SERVER_ERROR (details only in development). */
export function internalError(err: unknown): EnfyraError {
  const message = err instanceof Error && err.message ? err.message : 'An unexpected error occurred';
  return { statusCode: 500, code: 'INTERNAL_SERVER_ERROR', message, details: null, name: err instanceof Error ? err.name : 'Error' };
}

/** Where in a request a script error was raised. */
export type ScriptPhase = 'pre' | 'handler' | 'post';

/** A script's error as the chain saw it (the sandbox's outcome, message already located). */
export interface ScriptFailure {
  /** The error's own status; null for an uncaught error that carried none. */
  readonly statusCode: number | null;
  readonly name: string;
  readonly message: string;
  readonly details?: unknown;
  /** The engine's code, when it gave one (`SCRIPT_TIMEOUT`, `RESOURCE_NOT_FOUND`, ...). */
  readonly code?: string;
}

/** What ScriptExecutionException's details name besides the script (DynamicService.runHandler). */
export interface HandlerRequestInfo {
  readonly scriptId?: string;
  readonly method: string;
  readonly url: string;
  readonly userId?: unknown;
  readonly isTableOperation: boolean;
}

/**
 * A script error as Enfyra's HTTP layer reports it.
 *
 * The script engine turns an error without a status (an uncaught
 * ReferenceError, a plain `throw new Error`) into ScriptExecutionException:
 * 400, "Script execution failed: <message>", details `{scriptId: '(batch
 * execution)', ...location}` (kernel error-handler.ts at c83d56d4, and HEAD's
 * dynamic-service-error-reporting.spec.ts which feeds DynamicService exactly
 * that error).
 *
 * - A pre-hook's error goes from the interceptor straight to the exception
 *   filter (dynamic-interceptor.middleware.ts `next(error)`): its own status,
 *   its code (or its name).
 * - A handler batch's error goes through DynamicService.runHandler first: a
 *   4xx becomes an HttpException (code HTTP_ERROR, object details kept),
 *   anything else a ScriptExecutionException (400) naming the handler.
 *   Inferred: HEAD's kernel is a private package, so whether its exceptions are
 *   the server's CustomException instances (which runHandler would rethrow
 *   untouched) cannot be checked; HEAD's test above shows a 4xx reaching
 *   runHandler as a plain error. The timeout keeps its own code: IES raises
 *   ScriptTimeoutException itself (408 SCRIPT_TIMEOUT).
 */
export function scriptFailureError(failure: ScriptFailure, phase: ScriptPhase, request: HandlerRequestInfo): EnfyraError {
  const engine = engineError(failure);
  if (phase === 'pre' || engine.code === 'SCRIPT_TIMEOUT') return engine;
  if (engine.statusCode >= 400 && engine.statusCode < 500) {
    const details = engine.details;
    return enfyraErrors.http(engine.statusCode, messageText(engine.message), details !== null && typeof details === 'object' ? details : null);
  }
  return enfyraErrors.scriptExecution(messageText(engine.message), {
    scriptId: request.scriptId,
    method: request.method,
    url: request.url,
    userId: request.userId,
    isTableOperation: request.isTableOperation,
  });
}

/** The error as the script engine raises it, before DynamicService sees it. */
function engineError(failure: ScriptFailure): EnfyraError {
  if (failure.statusCode === null) {
    const location = failure.details !== null && typeof failure.details === 'object' ? failure.details : {};
    return enfyraErrors.scriptExecution(failure.message, { scriptId: '(batch execution)', ...location });
  }
  return fromStatusError({
    statusCode: failure.statusCode,
    name: failure.name,
    message: failure.message,
    errorCode: failure.code,
    details: failure.details,
  });
}

function messageText(message: string | readonly string[]): string {
  return typeof message === 'string' ? message : message.join('; ');
}

export interface RequestLine {
  readonly method: string;
  /** The URL as received, query included (Enfyra reports `req.url`). */
  readonly url: string;
  readonly correlationHeader?: string;
}

/** The global exception filter's body; `logs` (the request's `$share.$logs`) is added when there are any. */
export function errorBody(error: EnfyraError, request: RequestLine, logs?: readonly unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    success: false,
    message: error.message,
    statusCode: error.statusCode,
    error: {
      code: error.code,
      message: error.message,
      // As JSON sends it: an undefined field is no field.
      ...(error.details === undefined ? {} : { details: asSent(error.details) }),
      timestamp: new Date().toISOString(),
      path: request.url,
      method: request.method,
      correlationId: request.correlationHeader || newCorrelationId(),
    },
  };
  if (logs && logs.length > 0) body.logs = logs;
  return body;
}

/** A value as JSON carries it (undefined fields dropped), so the body here equals the body received. */
function asSent(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
}

/** No route for the path and method (dynamic.routes.ts): reports the path without the query. */
export function notFoundBody(method: string, path: string): Record<string, unknown> {
  return {
    success: false,
    message: 'Not Found',
    statusCode: 404,
    error: { code: 'NOT_FOUND', message: 'Not Found', path, method, timestamp: new Date().toISOString() },
  };
}

/** The role guard answers a denial itself, with this short body. */
export function forbiddenBody(message = 'Forbidden'): Record<string, unknown> {
  return { statusCode: 403, message };
}

/** `req_<epoch ms>_<9 base-36 characters>`, as Enfyra generates them. */
export function newCorrelationId(): string {
  return `req_${Date.now()}_${Math.random().toString(36).slice(2, 11)}`;
}

/** requestLoggingBegin's X-Correlation-ID: the client's (cleaned, up to 128 characters) or a new one. */
export function responseCorrelationId(header: string | undefined): string {
  if (header && header.length <= 128) return header.replace(/[^\w\-.:]/g, '');
  return newCorrelationId();
}
