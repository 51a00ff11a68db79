/**
 * The request a hook runs for, as the CLI, replay and the programmatic API
 * describe it, and its translation into the `$ctx` data copied into the
 * sandbox.
 */
import type { ContextData } from '../sandbox/invocation.ts';
import type { UploadedFile } from '../members/storage/uploaded-file.ts';

export interface HookRequest {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  /** `null` runs the hook as an anonymous request; omitted uses DEFAULT_USER. */
  user?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  ip?: string;
  share?: Record<string, unknown>;
  /** Variables for `$ctx.$env`; omitted: the sanitized process environment. */
  env?: Record<string, string>;
  /** A multipart upload → `$ctx.$uploadedFile` (see members/storage/uploaded-file.ts prepareUpload). */
  file?: UploadedFile;
}

/** The signed-in user a local run gets unless it passes --user or --anonymous. */
export const DEFAULT_USER = Object.freeze({ id: 1, email: 'dev@localhost', name: 'Local Developer', isRootAdmin: true });

/** Build the `$ctx` data of the first hook of a request. */
export function contextData(request: HookRequest, env: Record<string, string>): ContextData {
  const method = (request.method ?? 'GET').toUpperCase();
  const url = request.url ?? '/';
  const ip = request.ip ?? '127.0.0.1';
  const headers = lowerCaseKeys(request.headers ?? {});
  const params = request.params ?? {};
  const query = request.query ?? {};
  const body = request.body === undefined ? {} : request.body;
  return {
    params,
    query,
    body,
    user: request.user === undefined ? DEFAULT_USER : request.user,
    req: { method, url, ip, headers },
    share: request.share ?? {},
    data: null,
    statusCode: 200,
    api: {
      request: { method, url, ip, headers, params, query, body, timestamp: new Date().toISOString() },
      response: null,
      error: null,
    },
    env: request.env ?? env,
    ...(request.file ? { extra: { $uploadedFile: request.file } } : {}),
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
