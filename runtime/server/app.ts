/**
 * The dev server's express 5 app: CORS as Enfyra sets it (`origin: true,
 * credentials: true`), the inspector under /__enfyra, then every other request
 * read (up to the largest body limit; a multipart body up to
 * MULTIPART_READ_LIMIT, as its file limit is multer's) and handed to the
 * pipeline. Errors while reading the body get Enfyra's error body.
 */
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { errorBody, fromStatusError, internalError } from '../context/enfyra-errors.ts';
import { RAW_BODY_LIMIT } from './http/body.ts';
import { contentType, MULTIPART_READ_LIMIT } from './http/multipart.ts';
import type { Inspector } from './inspector/inspector.ts';
import { INSPECTOR_PAGE } from './inspector/page.ts';
import type { PipelineRequest, PipelineResult } from './pipeline.ts';

export const INSPECTOR_PATH = '/__enfyra';

export interface AppOptions {
  handle(request: PipelineRequest): Promise<PipelineResult>;
  inspector: Inspector;
}

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.use(cors({ origin: true, credentials: true }));

  app.get(INSPECTOR_PATH, (_req, res) => void res.type('html').send(INSPECTOR_PAGE));
  app.get(`${INSPECTOR_PATH}/events`, (_req, res) => options.inspector.subscribe(res));
  app.get(`${INSPECTOR_PATH}/requests`, (_req, res) => void res.json(options.inspector.list()));
  app.get(`${INSPECTOR_PATH}/status`, (_req, res) => void res.json(options.inspector.projectStatus));

  const multipart = (req: { headers: Request['headers'] }) => contentType(req.headers).includes('multipart/');
  app.use(express.raw({ type: multipart, limit: MULTIPART_READ_LIMIT }));
  app.use(express.raw({ type: (req) => !multipart(req), limit: RAW_BODY_LIMIT }));
  app.all('/{*path}', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await options.handle({
        method: req.method,
        url: req.originalUrl,
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : null,
        ip: clientIp(req),
        hostname: req.hostname,
        protocol: req.protocol,
      });
      res.status(result.status).set(result.headers).json(result.body);
    } catch (err) {
      next(err);
    }
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { statusCode?: unknown };
    const error = typeof e?.statusCode === 'number' ? fromStatusError(err as never) : internalError(err);
    if (error.statusCode >= 500) process.stderr.write(`enfyra-run dev: ${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}\n`);
    res.status(error.statusCode).json(errorBody(error, { method: req.method, url: req.url }));
  });
  return app;
}

/** Enfyra's resolveClientIpFromRequest: cf-connecting-ip, else the first address that is not loopback; `::ffff:` dropped. */
export function clientIp(req: Pick<Request, 'headers' | 'ip' | 'socket'>): string {
  const cf = req.headers['cf-connecting-ip'];
  const remote = req.socket?.remoteAddress;
  const loopback = (a: string | undefined) => a === '::1' || a === '127.0.0.1';
  let ip: string;
  if (cf) ip = Array.isArray(cf) ? cf[0]! : String(cf);
  else if (req.ip && !loopback(req.ip)) ip = req.ip;
  else if (remote && !loopback(remote)) ip = remote;
  else ip = req.ip || remote || 'unknown';
  if (ip === '::1') ip = '127.0.0.1';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
