/**
 * `$ctx.$storage.$upload / $update / $delete / $registerFile` as Enfyra's
 * UploadFileHelper (shared/helpers/upload-file.helper.ts) with its local
 * storage (modules/file-management: file-management.service.ts,
 * storage/local-storage.service.ts): files really are written, replaced and
 * deleted, under `storage.dir` at Enfyra's locations (`/uploads/<name>_<ms>_<hex><ext>`),
 * and the `enfyra_file` records kept beside them (file-records.ts). There is
 * one storage config, id 1, "Local Storage"; another id fails as in Enfyra.
 * Every call is an effect (`storage.upload`, ...).
 *
 * Argument errors are Enfyra's messages. One local rule Enfyra lacks: an
 * upload from `file` reads only the request's own `$uploadedFile` (Enfyra
 * would open any path a script names).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostMethod, HostModule, InvocationScope } from '../../sandbox/host-module.ts';
import { isUnrepresentable } from '../../shared/wire.ts';
import { FileRecords, type FileRow } from './file-records.ts';
import { normalizeUploadMetadata } from './file-signature.ts';

export const LOCAL_STORAGE_CONFIG_ID = 1;

type Options = Record<string, unknown>;

interface UploadInput {
  filename: string;
  mimetype: string;
  bytes: Buffer;
  size: number;
}

/** An error as Enfyra's helper rethrows it: a plain Error, with the status when the cause had one. */
function fail(message: string, statusCode?: number): Error {
  return statusCode === undefined ? new Error(message) : Object.assign(new Error(message), { statusCode });
}

export function createStorageModule(options: { dir: string }): HostModule {
  const storage = new LocalStorage(options.dir);
  const records = new FileRecords(options.dir);
  const method = (name: string, impl: (scope: InvocationScope, args: unknown[]) => Promise<unknown>): HostMethod => ({
    kind: 'async',
    call: async (scope, args) => {
      if (scope.signal.aborted) throw new Error('Operation aborted');
      try {
        return await impl(scope, args);
      } catch (err) {
        // handleError: the message (and status) of whatever failed, as a plain Error.
        const e = err as { message?: string; statusCode?: number };
        throw fail(e?.message || `Unknown error in $storage.${name}`, e?.statusCode);
      }
    },
  });

  return {
    path: '$storage',
    methods: {
      $upload: method('$upload', async (scope, [raw]) => {
        const o = optionsOf(raw, '$storage.$upload');
        const input = uploadInput(scope, o, '$storage.$upload');
        const processed = processUpload(storage, input, o.storageConfig);
        const folder = o.folder ? (typeof o.folder === 'object' ? o.folder : { id: o.folder }) : null;
        const result = await records.create({
          filename: processed.filename,
          mimetype: processed.mimetype,
          type: fileType(processed.mimetype),
          filesize: input.size,
          location: processed.location,
          description: o.description || null,
          folder,
          uploadedBy: userRef(scope),
          storageConfig: { id: LOCAL_STORAGE_CONFIG_ID },
        });
        scope.effect({ type: 'storage.upload', id: result.data[0]!.id, location: processed.location, filename: processed.filename, mimetype: processed.mimetype, size: input.size, path: storage.resolve(processed.location) });
        return result;
      }),

      $update: method('$update', async (scope, [fileId, raw]) => {
        const o = optionsOf(raw, '$storage.$update');
        const current = await records.find(fileId);
        if (!current) throw new Error(`File with ID ${String(fileId)} not found`);
        if (o.file || o.buffer) {
          const input = uploadInput(scope, { filename: current.filename, mimetype: current.mimetype, ...o }, '$storage.$upload');
          const processed = processUpload(storage, input, o.storageConfig ?? null);
          const result = await records.update(fileId, {
            filename: processed.filename,
            mimetype: processed.mimetype,
            type: fileType(processed.mimetype),
            filesize: input.size,
            location: processed.location,
            description: o.description !== undefined ? o.description : current.description,
            folder: o.folder !== undefined ? relation(o.folder) : current.folder,
            uploadedBy: current.uploadedBy,
            status: o.status !== undefined ? o.status : current.status,
            isPublic: o.isPublic !== undefined ? o.isPublic : current.isPublic,
            storageConfig: { id: LOCAL_STORAGE_CONFIG_ID },
          });
          if (current.location !== processed.location) storage.remove(String(current.location));
          scope.effect({ type: 'storage.update', id: current.id, replaced: true, location: processed.location, previousLocation: current.location, size: input.size });
          return result;
        }
        if (o.storageConfig !== undefined && o.storageConfig !== null && String(entityId(o.storageConfig)) !== String(LOCAL_STORAGE_CONFIG_ID)) {
          throw fail('Changing storageConfig requires replacing the file blob in the same request', 400);
        }
        const changes: Options = {};
        if (o.folder !== undefined) changes.folder = relation(o.folder);
        for (const key of ['title', 'description', 'status', 'isPublic']) if (o[key] !== undefined) changes[key] = o[key];
        scope.effect({ type: 'storage.update', id: current.id, replaced: false, changes });
        // updateFileMetadataRecord: nothing to change answers the record itself.
        if (Object.keys(changes).length === 0) return current;
        return records.update(fileId, changes);
      }),

      $delete: method('$delete', async (scope, [fileId]) => {
        const current = await records.find(fileId);
        if (!current) throw new Error(`File with ID ${String(fileId)} not found`);
        storage.remove(String(current.location));
        const result = await records.delete(fileId);
        scope.effect({ type: 'storage.delete', id: current.id, location: current.location });
        return result;
      }),

      $registerFile: method('$registerFile', async (scope, [raw]) => {
        const o = optionsOf(raw, '$storage.$registerFile');
        const filename = o.originalname || o.filename;
        const size = o.size ?? o.filesize;
        if (!filename || typeof filename !== 'string') throw new Error('filename is required for $storage.$registerFile');
        if (!o.mimetype || typeof o.mimetype !== 'string') throw new Error('mimetype is required for $storage.$registerFile');
        if (!o.location || typeof o.location !== 'string') throw new Error('location is required for $storage.$registerFile');
        if (!Number.isFinite(Number(size)) || Number(size) < 0) throw new Error('size must be a non-negative number for $storage.$registerFile');
        if (!o.storageConfig) throw new Error('storageConfig is required for $storage.$registerFile');
        storageConfigOrFail(entityId(o.storageConfig));
        if (o.verifyExists !== false && !storage.exists(o.location)) throw fail(`Storage object not found: ${o.location}`, 400);
        const result = await records.create({
          filename,
          mimetype: o.mimetype,
          type: (o.type as string) || fileType(o.mimetype),
          filesize: Number(size),
          location: o.location,
          description: o.description || null,
          folder: o.folder !== undefined ? relation(o.folder) : null,
          uploadedBy: userRef(scope),
          storageConfig: { id: LOCAL_STORAGE_CONFIG_ID },
        });
        scope.effect({ type: 'storage.registerFile', id: result.data[0]!.id, location: o.location, filename, size: Number(size) });
        return result;
      }),
    },
  };
}

function optionsOf(raw: unknown, helper: string): Options {
  if (isUnrepresentable(raw)) throw new TypeError(`${helper}: the options cannot cross to the host (${raw.describe()})`);
  // Enfyra reads properties of whatever it gets; undefined options fail on the first read.
  if (raw === undefined || raw === null) throw new TypeError(`Cannot read properties of ${String(raw)} (reading 'file')`);
  return raw as Options;
}

/** UploadFileHelper.createUploadInput: either the request's uploaded file or a buffer, with Enfyra's messages. */
function uploadInput(scope: InvocationScope, o: Options, helper: string): UploadInput {
  const file = o.file as Options | undefined;
  if (file) {
    if (!file.path) throw new Error('Invalid uploaded file: path is required');
    if (!file.originalname && !file.filename) throw new Error('Invalid uploaded file: originalname is required');
    if (!file.mimetype) throw new Error('Invalid uploaded file: mimetype is required');
    if (typeof file.size !== 'number') throw new Error('Invalid uploaded file: size is required');
  }
  const hasBuffer = o.buffer !== undefined && o.buffer !== null;
  if (o.onProgress !== undefined) throw new Error(`${helper} does not support onProgress. Send x-enfyra-upload-id and listen for $system:upload:progress instead.`);
  if (file && hasBuffer) throw new Error('Pass either file or buffer to $storage.$upload, not both');
  if (file) {
    const uploaded = scope.context.$uploadedFile as { path?: unknown } | undefined;
    if (!uploaded || uploaded.path !== file.path) {
      throw new Error(`enfyra-run: $storage reads only this request's $uploadedFile (not ${String(file.path)})`);
    }
    const bytes = readFileSync(String(file.path));
    return {
      filename: String(o.originalname || o.filename || file.originalname || file.filename),
      mimetype: String(o.mimetype || file.mimetype),
      bytes,
      size: Number(o.size || file.size),
    };
  }
  if (!hasBuffer) throw new Error('Either file or buffer is required for $storage.$upload');
  const bytes = toBuffer(o.buffer);
  if (!o.originalname && !o.filename) throw new Error('filename is required for $storage.$upload buffer uploads');
  if (!o.mimetype) throw new Error('mimetype is required for $storage.$upload buffer uploads');
  const normalized = normalizeUploadMetadata(String(o.originalname || o.filename), String(o.mimetype), bytes);
  return { filename: normalized.filename, mimetype: normalized.mimetype, bytes, size: Number(o.size || bytes.length) };
}

/**
 * normalizeBuffer: what a Buffer or typed array becomes on the JSON bridge — `{type:'Buffer', data}` or an
 * object with numeric keys (an array too) — back into bytes. A string is not a buffer.
 */
function toBuffer(value: unknown): Buffer {
  if (value === null || typeof value !== 'object' || isUnrepresentable(value)) throw new Error('Invalid buffer format for $storage.$upload');
  const v = value as Record<string, unknown>;
  if (v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data as number[]);
  const keys = Object.keys(v)
    .filter((k) => /^\d+$/.test(k))
    .map(Number)
    .sort((a, b) => a - b);
  if (keys.length === 0) throw new Error('Invalid buffer format: buffer object has no numeric keys');
  return Buffer.from(keys.map((k) => v[String(k)] as number));
}

function processUpload(storage: LocalStorage, input: UploadInput, storageConfig: unknown): { filename: string; mimetype: string; location: string } {
  try {
    if (storageConfig) storageConfigOrFail(entityId(storageConfig));
    const location = storage.write(`uploads/${uniqueFilename(input.filename)}`, input.bytes);
    return { filename: input.filename, mimetype: input.mimetype, location };
  } catch (err) {
    throw fail(`Failed to process file upload: ${(err as Error).message}`, 400);
  }
}

function storageConfigOrFail(id: unknown): void {
  if (String(id) !== String(LOCAL_STORAGE_CONFIG_ID)) throw fail(`Storage config with ID ${String(id)} not found or disabled`, 400);
}

function entityId(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : value;
}

function relation(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (value === null || value === 'null' || value === '') return null;
  return typeof value === 'object' ? value : { id: value };
}

function userRef(scope: InvocationScope): unknown {
  const id = (scope.context.$user as { id?: unknown } | null | undefined)?.id;
  return id ? { id } : null;
}

function fileType(mimetype: string): string {
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/')) return 'audio';
  if (mimetype.includes('pdf') || mimetype.includes('document') || mimetype.includes('text')) return 'document';
  if (mimetype.includes('zip') || mimetype.includes('tar') || mimetype.includes('gzip')) return 'archive';
  return 'other';
}

/** What uniqueFilename adds to make a stored name new each time (`_<ms>_<12 hex>`), as a pattern; group 1 is the ms. */
export const UNIQUE_SUFFIX_PATTERN = '_(\\d+)_[0-9a-f]{12}';

/** file-management.service.ts generateUniqueFilename: autoSlug(base, '_', keep case, 50) _ ms _ 12 hex, extension kept. */
export function uniqueFilename(original: string): string {
  const ext = path.extname(original);
  let slug = path
    .basename(original, ext)
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9\s-]/g, '')
    .replace(/\s+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (slug.length > 50) slug = slug.substring(0, 50).replace(/_+$/g, '');
  return `${slug}_${Date.now()}_${randomBytes(6).toString('hex')}${ext}`;
}

/** local-storage.service.ts: locations are `/<relative path>` under the storage folder, never outside it. */
class LocalStorage {
  private readonly base: string;

  constructor(dir: string) {
    this.base = path.resolve(dir);
  }

  resolve(location: string): string {
    const absolute = path.resolve(this.base, location.startsWith('/') ? location.slice(1) : location);
    if (absolute !== this.base && !absolute.startsWith(`${this.base}${path.sep}`)) throw new Error(`Invalid local storage path: ${location}`);
    return absolute;
  }

  write(relative: string, bytes: Buffer): string {
    const file = this.resolve(relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    return `/${relative}`;
  }

  exists(location: string): boolean {
    return existsSync(this.resolve(location));
  }

  remove(location: string): void {
    try {
      rmSync(this.resolve(location), { force: true });
    } catch (err) {
      throw fail(`Failed to delete physical file: ${(err as Error).message}`, 400);
    }
  }
}

export type { FileRow };
