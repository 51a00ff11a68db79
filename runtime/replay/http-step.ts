/**
 * A fixture step that names a request (`method` + `path`) instead of a hook:
 * it goes through the dev server's pipeline — route files, auth, role guard,
 * hooks, Enfyra's bodies — on the fixture's cache and database. `statusCode`
 * is the HTTP status and `data` the response body.
 *
 * The step's `request` fields mean: `headers` as sent; `body` sent as JSON
 * (a string with a non-JSON content-type is sent as it is); with `file` or a
 * `multipart/form-data` content-type, a form instead: the body's fields (as
 * a browser names nested ones, `a[b]`, `a[0]`) and the file; `user` a user id
 * (a token for that enfyra_user row is signed with the configured secret), an
 * object used as `$user` as it is, or null/absent for an anonymous request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import qs from 'qs';
import type { HookRequest } from '../context/request.ts';
import { UPLOAD_FIELD, uploadMimetype } from '../members/storage/uploaded-file.ts';
import { MULTIPART_FORM } from '../server/http/multipart.ts';
import { Authenticator } from '../server/auth.ts';
import { BodyParser } from '../server/http/body.ts';
import { Pipeline, type PipelineResult } from '../server/pipeline.ts';
import { loadRouteTable } from '../server/routes/load-routes.ts';
import type { ReplayEnvironment } from './environment.ts';
import type { FixtureUpload } from './model.ts';

export async function runHttpStep(
  target: { method: string; path: string },
  request: HookRequest,
  env: ReplayEnvironment,
  upload?: FixtureUpload,
): Promise<PipelineResult> {
  const config = env.runtime.config;
  const authenticator = new Authenticator({ secret: config.helpers.jwtSecret, database: async () => env.database });
  const routes = loadRouteTable({ routesDir: config.routesDir, root: config.root, tables: [...env.database.schema.tables.keys()] });
  const pipeline = new Pipeline({ runtime: env.runtime, routes, authenticator, bodyParser: new BodyParser(), root: config.root });
  const headers: Record<string, string> = { ...request.headers };
  let rawBody: Buffer | null = null;
  if (typeof request.body !== 'string' && (upload || headers['content-type']?.includes(MULTIPART_FORM))) {
    const form = await encodeForm(request.body, upload);
    rawBody = form.body;
    headers['content-type'] = form.contentType;
  } else if (request.body !== undefined) {
    const type = headers['content-type'] ?? 'application/json';
    headers['content-type'] = type;
    rawBody = Buffer.from(typeof request.body === 'string' && !type.includes('json') ? request.body : JSON.stringify(request.body));
  }
  const user = request.user;
  let userOverride: Record<string, unknown> | undefined;
  if (typeof user === 'number' || typeof user === 'string') headers.authorization = `Bearer ${await authenticator.sign(user)}`;
  else if (user !== null && user !== undefined && typeof user === 'object') userOverride = user as Record<string, unknown>;
  return pipeline.handle({ method: target.method, url: target.path, headers, rawBody, ip: request.ip ?? '127.0.0.1', userOverride });
}

/** The multipart body a browser would send for these fields and this file (fetch's own encoder). */
async function encodeForm(fields: unknown, upload: FixtureUpload | undefined): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of new URLSearchParams(qs.stringify(fields ?? {}))) form.append(name, value);
  if (upload) {
    const file = new Blob([readFileSync(upload.path)], { type: upload.mimetype ?? uploadMimetype(upload.path) });
    form.append(upload.fieldname ?? UPLOAD_FIELD, file, path.basename(upload.path));
  }
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}
