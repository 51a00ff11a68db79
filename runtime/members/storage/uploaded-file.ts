/**
 * `$ctx.$uploadedFile` for a local file, as Enfyra's upload middleware builds
 * it (http/middlewares/file-upload.middleware.ts): multer stores the part in
 * the temp folder as `enfyra-upload-<uuid>` and the script sees
 * `{ originalname, mimetype, encoding, path, size, fieldname }`. Only POST and
 * PATCH read uploads, and only from the field `file` (multer's
 * `single('file')`: any other field fails the request with
 * "Unexpected field" before a script runs).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Mime from 'mime-types';
import { lazyRequire } from '../../shared/lazy-require.ts';
import type { UploadedFile } from '../../shared/uploaded-file.ts';

/** mime-types (and its database) is loaded by the first upload, not at start-up. */
const mime = lazyRequire<typeof Mime>('mime-types');

export const UPLOAD_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH']);
export const UPLOAD_FIELD = 'file';

/** Enfyra's maxUploadFileSize setting default (MB); a route's own maxUploadFileSize replaces it. */
export const DEFAULT_MAX_UPLOAD_FILE_SIZE_MB = 10;

/** Where multer stores an upload in Enfyra: the temp folder, under a fresh name. */
export function uploadTempDir(): string {
  return tmpdir();
}

export function uploadTempName(): string {
  return `enfyra-upload-${randomUUID()}`;
}

/** A path under a name uploadTempName made, as a pattern: a new one each request (recording matches it). */
export const UPLOAD_TEMP_PATH_PATTERN = '[\\\\/]enfyra-upload-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The type a file is sent with when none is given: from its extension. */
export function uploadMimetype(file: string): string {
  return mime().lookup(file) || 'application/octet-stream';
}

/** Multer's error for a part in another field: HTTP 500 in Enfyra (no status on the error). */
export class UnexpectedFieldError extends Error {
  override readonly name = 'MulterError';
  readonly statusCode = 500;
  readonly field: string;

  constructor(field: string) {
    super('Unexpected field');
    this.field = field;
  }
}

export interface PreparedUpload {
  file: UploadedFile;
  /** Removes the temp copy (call after the run). */
  cleanup(): void;
}

/** Copies `source` to a temp upload the way multer stores one; the source is never touched. */
export function prepareUpload(source: string, fieldname = UPLOAD_FIELD, mimetype?: string): PreparedUpload {
  if (fieldname !== UPLOAD_FIELD) throw new UnexpectedFieldError(fieldname);
  const stat = statSync(source);
  if (!stat.isFile()) throw new Error(`${source} is not a file`);
  const temp = path.join(uploadTempDir(), uploadTempName());
  copyFileSync(source, temp);
  return {
    file: {
      originalname: path.basename(source),
      mimetype: mimetype ?? uploadMimetype(source),
      encoding: '7bit',
      path: temp,
      size: stat.size,
      fieldname,
    },
    cleanup: () => rmSync(temp, { force: true }),
  };
}
