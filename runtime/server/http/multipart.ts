/**
 * Multipart uploads as Enfyra's upload middleware reads them (server
 * src/http/middlewares/file-upload.middleware.ts), after the role guard and
 * before body validation:
 *
 * - only POST and PATCH whose content-type contains `multipart/form-data`
 *   (any other request keeps the body the parsers gave, which for multipart
 *   is none: body.ts leaves it alone);
 * - multer's disk storage in the temp folder (`enfyra-upload-<uuid>`),
 *   `single('file')`, files up to the route's `maxUploadFileSize` (MB), else
 *   Enfyra's 10 MB default. A file in another field (or a second one), a file
 *   over the limit, a malformed body are multer's or busboy's errors, which
 *   carry no status: Enfyra answers them 500 INTERNAL_SERVER_ERROR with their
 *   message;
 * - `$uploadedFile` is `{originalname, mimetype, encoding (else 'utf8'), path,
 *   size, fieldname}`, the name repaired as Enfyra repairs it (below); `$body`
 *   is the text fields (multer nests `a[b]` names) without `file`, with
 *   `folder`, `storageConfig` and a numeric or JSON `role` made into `{id}`
 *   references. Body validation of a table route checks multer's fields as
 *   they came.
 *
 * Enfyra leaves the stored file in the temp folder; here it is removed once
 * the request is answered.
 */
import { rm } from 'node:fs/promises';
import type { RequestHandler } from 'express';
import multer from 'multer';
import type { UploadedFile } from '../../shared/uploaded-file.ts';
import {
  DEFAULT_MAX_UPLOAD_FILE_SIZE_MB,
  UPLOAD_FIELD,
  UPLOAD_METHODS,
  uploadTempDir,
  uploadTempName,
} from '../../members/storage/uploaded-file.ts';
import { fakeRequest } from './body.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The most of a multipart body the dev server reads (Enfyra streams it into multer, which stops at the file limit). */
export const MULTIPART_READ_LIMIT = '100mb';

export const MULTIPART_FORM = 'multipart/form-data';

export interface ReceivedUpload {
  /** undefined when the form had no file. */
  file: UploadedFile | undefined;
  /** The text fields as multer gives them (undefined for a request without a body). */
  fields: Record<string, unknown> | undefined;
  /** `$body`: the fields as Enfyra rewrites them. */
  body: Record<string, unknown>;
  /** Removes the stored file. */
  cleanup(): Promise<void>;
}

export function contentType(headers: Headers): string {
  const value = headers['content-type'];
  return (Array.isArray(value) ? value.join(', ') : value) ?? '';
}

/** Enfyra's test, on the header as sent (case included). */
export function isUploadRequest(method: string, headers: Headers): boolean {
  return UPLOAD_METHODS.has(method) && contentType(headers).includes(MULTIPART_FORM);
}

/** Runs multer over the body; rejects with its error (the stored file, if any, already removed). */
export async function receiveUpload(method: string, headers: Headers, raw: Buffer | null, routeMaxUploadFileSizeMb?: number | null): Promise<ReceivedUpload> {
  const mb = routeMaxUploadFileSizeMb && routeMaxUploadFileSizeMb > 0 ? routeMaxUploadFileSizeMb : DEFAULT_MAX_UPLOAD_FILE_SIZE_MB;
  const upload = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, cb) => cb(null, uploadTempDir()),
      filename: (_req, _file, cb) => cb(null, uploadTempName()),
    }),
    limits: { fileSize: Math.floor(mb * 1024 * 1024) },
  }).single(UPLOAD_FIELD);
  const req = await runMulter(upload, method, headers, raw);
  const stored = req.file;
  const file: UploadedFile | undefined = stored && {
    originalname: stored.originalname ? enfyraFilename(stored.originalname) : stored.originalname,
    mimetype: stored.mimetype,
    encoding: stored.encoding || 'utf8',
    path: stored.path,
    size: stored.size,
    fieldname: stored.fieldname,
  };
  return {
    file,
    fields: req.body,
    body: enfyraBody(req.body),
    cleanup: async () => {
      if (stored) await rm(stored.path, { force: true });
    },
  };
}

export interface ReadForm {
  fields: Record<string, unknown>;
  files: Express.Multer.File[];
}

/**
 * Every part of a multipart body, files in memory, names decoded as UTF-8 (what the client meant, before
 * Enfyra's latin1 reading and repair): recording uses it to write the request down. Rejects a body multer cannot read.
 */
export async function readForm(headers: Headers, raw: Buffer): Promise<ReadForm> {
  const req = await runMulter(multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8' }).any(), 'POST', headers, raw);
  return { fields: { ...req.body }, files: (req.files as Express.Multer.File[] | undefined) ?? [] };
}

interface MulterRequest {
  body?: Record<string, unknown>;
  file?: Express.Multer.File;
  files?: unknown;
}

function runMulter(middleware: RequestHandler, method: string, headers: Headers, raw: Buffer | null): Promise<MulterRequest> {
  const req = fakeRequest(method, headers, raw) as ReturnType<typeof fakeRequest> & MulterRequest;
  return new Promise((resolve, reject) => {
    middleware(req as never, {} as never, (err?: unknown) => (err ? reject(err) : resolve(req)));
  });
}

/** The `$body` Enfyra builds from the fields. */
function enfyraBody(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { ...fields };
  delete body[UPLOAD_FIELD];
  if (body.folder && body.folder !== 'null' && typeof body.folder !== 'object') body.folder = { id: body.folder };
  if (body.storageConfig && typeof body.storageConfig !== 'object') body.storageConfig = { id: body.storageConfig };
  if (body.role) body.role = roleReference(body.role);
  return body;
}

/** `'2'` → `{id: 2}`; `'{"id":2,"name":"x"}'` → `{id: 2}`; anything else as it is. */
function roleReference(role: unknown): unknown {
  let value = role;
  if (typeof value === 'string') {
    const text = value;
    const asId = () => (Number.isNaN(parseInt(text, 10)) ? text : { id: parseInt(text, 10) });
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch {
        value = asId();
      }
    } else value = asId();
  }
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return id ? { id } : value;
}

const VIETNAMESE_LETTER = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ]/;

/** Enfyra's table, in its order; its entries for `kÃ½` and `Äáº·c` can no longer match after the first two. */
const NAME_REPAIRS: ReadonlyArray<readonly [RegExp, string]> = [
  [/áº/g, 'ă'],
  [/Ã/g, 'à'],
  [/tá»±/g, 'tự'],
  [/biá»t/g, 'biệt'],
];

/**
 * Enfyra's repair of the name multer read as latin1: a name with non-ASCII characters is read again as UTF-8 and
 * kept so only when that gives a Vietnamese letter; then a few sequences are replaced, whatever the language
 * (so `naïve.txt` sent as UTF-8 reaches scripts as `naà¯ve.txt`, `café.txt` as `café.txt`).
 */
export function enfyraFilename(name: string): string {
  let fixed = name;
  if (/[^\x00-\x7F]/.test(fixed)) {
    const utf8 = Buffer.from(fixed, 'latin1').toString('utf8');
    if (VIETNAMESE_LETTER.test(utf8)) fixed = utf8;
  }
  for (const [pattern, replacement] of NAME_REPAIRS) fixed = fixed.replace(pattern, replacement);
  return fixed;
}
