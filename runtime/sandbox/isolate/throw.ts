/**
 * `$ctx.$throw`, as Enfyra's: a proxy where any key is a status (`$throw['418']('teapot')`), a missing or
 * empty message becomes the status's default, and `details` is the second argument as given. Named keys
 * are the ScriptErrorFactory forms (`http`, `notFound`, `duplicate`, ...).
 */
import { ErrorCtor, MapCtor, ProxyCtor, StringCtor, freeze, hasOwn, mapGet, mapSet, parseIntFn, reflectApply, stringify } from './intrinsics.ts';
import { statusError } from './errors.ts';

/** Enfyra's default message per status when `$throw[status]()` gets none (worker-setup-template). */
const THROW_DEFAULTS: Record<string, string> = {
  __proto__: null as unknown as string,
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict',
  422: 'Validation failed', 429: 'Too many requests', 500: 'Internal server error', 503: 'Service unavailable',
};

/**
 * `$throw.<form>(...)`: Enfyra's ScriptErrorFactory forms, as [status, code, class name, message and details].
 * The message is what the form makes of the script's arguments, not always a string: the Error constructor
 * converts it, as Enfyra's does.
 */
type Form = [status: number, code: string, name: string, made: (a: unknown, b: unknown, c: unknown) => [message: unknown, details: unknown]];
const str = (v: unknown): string => '' + (v as string);
const THROW_FORMS: Record<string, Form> = {
  __proto__: null as unknown as Form,
  businessLogic: [400, 'BUSINESS_LOGIC_ERROR', 'BusinessLogicException', (m, d) => [str(m), d]],
  validation: [422, 'VALIDATION_ERROR', 'ValidationException', (m, d) => [str(m), d]],
  notFound: [404, 'RESOURCE_NOT_FOUND', 'ResourceNotFoundException', (r, id) => [id ? `${r} with identifier '${id}' not found` : `${r} not found`, { resource: r, identifier: id }]],
  duplicate: [409, 'DUPLICATE_RESOURCE', 'DuplicateResourceException', (r, f, v) => [`${r} with ${f} '${v}' already exists`, { resource: r, field: f, value: v }]],
  unauthorized: [401, 'AUTHENTICATION_ERROR', 'AuthenticationException', (m) => [m || 'Unauthorized', undefined]],
  forbidden: [403, 'AUTHORIZATION_ERROR', 'AuthorizationException', (m) => [m || 'Forbidden', undefined]],
  tokenExpired: [401, 'TOKEN_EXPIRED', 'TokenExpiredException', () => ['Token has expired', undefined]],
  invalidToken: [401, 'INVALID_TOKEN', 'InvalidTokenException', () => ['Invalid token provided', undefined]],
  database: [500, 'DATABASE_ERROR', 'DatabaseException', (m, d) => [str(m), d]],
  dbQuery: [400, 'DATABASE_QUERY_ERROR', 'DatabaseQueryException', (m, d) => [str(m), d]],
  externalService: [502, 'EXTERNAL_SERVICE_ERROR', 'ExternalServiceException', (s, m, d) => [`External service '${s}' error: ${m}`, { service: s, details: d }]],
  serviceUnavailable: [503, 'SERVICE_UNAVAILABLE', 'ServiceUnavailableException', (s) => [`Service '${s}' is currently unavailable`, { service: s }]],
  rateLimit: [429, 'RATE_LIMIT_EXCEEDED', 'RateLimitExceededException', (l, w) => [`Rate limit exceeded. Maximum ${l} requests per ${w}`, { limit: l, window: w }]],
  scriptError: [400, 'SCRIPT_EXECUTION_ERROR', 'ScriptExecutionException', (m, id, d) => [`Script execution failed: ${m}`, { scriptId: id, ...(d as object) }]],
  scriptTimeout: [408, 'SCRIPT_TIMEOUT', 'ScriptTimeoutException', (ms, id) => [`Script execution timed out after ${ms}ms`, { timeoutMs: ms, scriptId: id }]],
  schema: [400, 'SCHEMA_ERROR', 'SchemaException', (m, d) => [str(m), d]],
  config: [500, 'CONFIGURATION_ERROR', 'ConfigurationException', (m, key) => [`Configuration error: ${m}`, { configKey: key }]],
  fileUpload: [400, 'FILE_UPLOAD_ERROR', 'FileUploadException', (m, d) => [str(m), d]],
  fileNotFound: [404, 'FILE_NOT_FOUND', 'FileNotFoundException', (p) => [`File not found: ${p}`, { filePath: p }]],
  fileSizeExceeded: [413, 'FILE_SIZE_EXCEEDED', 'FileSizeExceededException', (max, actual) => [`File size exceeded. Maximum: ${max}, Actual: ${actual}`, { maxSize: max, actualSize: actual }]],
};

type Thrower = (...args: unknown[]) => never;

/** Makes a fresh `$throw` per invocation; `statuses` names the exception of each status (status -> name). */
export function throwMaker(statuses: Readonly<Record<string, string>>): () => object {
  function statusName(status: number): string {
    const name = statuses[status];
    return typeof name === 'string' ? name : 'HttpException';
  }
  return function makeThrow(): object {
    const http = function (status: unknown, message: unknown, details?: unknown): never {
      const code = +(status as number);
      throw statusError(code, statusName(code), 'HTTP_ERROR', typeof message === 'string' ? message : stringify(message) ?? str(message), details);
    };
    const byKey = new MapCtor<string, Thrower>();
    return new ProxyCtor(freeze({}), {
      get(_target, key) {
        if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
        let fn = reflectApply(mapGet, byKey, [key]) as Thrower | undefined;
        if (fn) return fn;
        if (key === 'http') fn = http;
        else if (reflectApply(hasOwn, THROW_FORMS, [key])) {
          const form = THROW_FORMS[key]!;
          fn = function (a?: unknown, b?: unknown, c?: unknown): never {
            const made = form[3](a, b, c);
            throw statusError(form[0], form[2], form[1], made[0] as string, made[1]);
          };
        } else {
          const code = parseIntFn(key, 10);
          fn = function (message?: unknown, details?: unknown): never {
            const text = message !== undefined && message !== null && message !== '' ? StringCtor(message) : (THROW_DEFAULTS[key] ?? 'Error');
            if (code !== code) throw new ErrorCtor(text); // not a number: a plain error, as in Enfyra
            throw statusError(code, statusName(code), 'HTTP_ERROR', text, details || null);
          };
        }
        reflectApply(mapSet, byKey, [key, fn]);
        return fn;
      },
      set() { return false; },
      defineProperty() { return false; },
      deleteProperty() { return false; },
    });
  };
}
