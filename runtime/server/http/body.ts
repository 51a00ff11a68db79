/**
 * Request bodies parsed exactly as Enfyra parses them, by the same parsers in
 * the same order (server src/express-app.ts and body-parser.middleware.ts):
 *
 * 1. express.json (10 MB, strict: objects and arrays only) for application/json,
 *    keeping the raw text as `rawBody`; express.urlencoded (extended, 100 kB);
 *    express.text for text/plain (100 kB);
 * 2. then, for a body not read yet: any type containing "json" or
 *    "urlencoded" with the configurable request body limit (Enfyra's setting
 *    maxRequestBodySize, 1 MB by default); multipart is left alone.
 *
 * A parser error (malformed JSON, a body over the limit) is the error
 * body-parser raises (http-errors: statusCode 400/413, name SyntaxError or
 * PayloadTooLargeError), which Enfyra's exception filter turns into its body.
 *
 * The dev server reads the raw bytes first (up to the largest limit) and the
 * `request` command has them from its flags; both run them through here.
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import express, { type RequestHandler } from 'express';

/** Enfyra's default maxRequestBodySize (MB) from its settings table. */
export const DEFAULT_MAX_REQUEST_BODY_MB = 1;

/** The most any parser accepts: the dev server stops reading there (express.json's 10 MB). */
export const RAW_BODY_LIMIT = '10mb';

export interface ParsedBody {
  /** undefined when no parser took the body (no body, or a type none parses). */
  body: unknown;
  /** The JSON text, for JSON bodies only (Enfyra's captureRawBody). */
  rawBody: string | undefined;
}

function captureRawBody(req: { rawBody?: string }, _res: unknown, buf: Buffer, encoding: string): void {
  if (!buf?.length) return;
  req.rawBody = buf.toString(encoding && Buffer.isEncoding(encoding) ? (encoding as BufferEncoding) : 'utf8');
}

export class BodyParser {
  private readonly stages: RequestHandler[];

  constructor(maxRequestBodyMb: number = DEFAULT_MAX_REQUEST_BODY_MB) {
    const limit = `${maxRequestBodyMb * 1024 * 1024}`;
    const verify = captureRawBody as never;
    const json = express.json({ limit: '10mb', verify });
    const urlencoded = express.urlencoded({ extended: true });
    const text = express.text({ type: 'text/plain' });
    const lateJson = express.json({ limit, verify, type: () => true });
    const lateUrlencoded = express.urlencoded({ limit, extended: true, type: () => true });
    const late: RequestHandler = (req, res, next) => {
      const type = req.headers['content-type'] || '';
      if (type.includes('multipart/')) return next();
      if (type.includes('json')) return lateJson(req, res, next);
      if (type.includes('urlencoded')) return lateUrlencoded(req, res, next);
      next();
    };
    this.stages = [json, urlencoded, text, late];
  }

  /** Parses `raw` (already decompressed) sent with `headers`; rejects with body-parser's error. */
  async parse(method: string, headers: Readonly<Record<string, string | string[] | undefined>>, raw: Buffer | null): Promise<ParsedBody> {
    const req = fakeRequest(method, headers, raw);
    for (const stage of this.stages) {
      await new Promise<void>((resolve, reject) => {
        stage(req as never, {} as never, (err?: unknown) => (err ? reject(err) : resolve()));
      });
    }
    return { body: req.body, rawBody: req.rawBody };
  }
}

export interface FakeRequest extends Readable {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: string;
  socket: EventEmitter & { readable: boolean };
}

/**
 * A readable request carrying the bytes, as the parsers expect one: `null`
 * is a request without a body, an empty buffer one with an empty body. The
 * body was decompressed when read, so content-encoding is dropped and the
 * length is the bytes' own. Like a real request it counts as finished once
 * read (on-finished: `complete && !readable`), so later parsers leave it.
 */
export function fakeRequest(method: string, headers: Readonly<Record<string, string | string[] | undefined>>, raw: Buffer | null): FakeRequest {
  const stream = Readable.from(raw && raw.length ? [raw] : [], { objectMode: false }) as FakeRequest;
  const copy: Record<string, string | string[] | undefined> = { ...headers };
  delete copy['content-encoding'];
  delete copy['transfer-encoding'];
  if (raw) copy['content-length'] = String(raw.length);
  else delete copy['content-length'];
  stream.method = method;
  stream.headers = copy;
  stream.socket = Object.assign(new EventEmitter(), { readable: true });
  Object.defineProperty(stream, 'complete', { get: () => stream.readableEnded });
  return stream;
}
