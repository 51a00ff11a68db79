/** $uploadedFile and $storage: real files under storage.dir, Enfyra's return shapes, messages and effects. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCacheDriver } from '../../runtime/cache/drivers/memory.ts';
import { prepareUpload, UnexpectedFieldError, type PreparedUpload } from '../../runtime/members/storage/uploaded-file.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { testRuntime } from '../support/runtime.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('$uploadedFile and $storage', () => {
  let runtime: Runtime;
  let storageDir: string;
  let upload: PreparedUpload;
  let source: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-storage-'));
    storageDir = path.join(dir, 'storage');
    source = path.join(dir, 'Báo cáo tháng 5.txt');
    writeFileSync(source, 'quarterly numbers');
    upload = prepareUpload(source);
    runtime = await testRuntime(new MemoryCacheDriver(), { storage: { dir: storageDir } });
  });
  afterAll(async () => {
    upload.cleanup();
    await runtime.close();
  });

  it("has Enfyra's $uploadedFile shape, from a temp copy of the file", () => {
    expect(upload.file).toEqual({
      originalname: 'Báo cáo tháng 5.txt',
      mimetype: 'text/plain',
      encoding: '7bit',
      path: expect.stringMatching(/enfyra-upload-[0-9a-f-]{36}$/),
      size: 17,
      fieldname: 'file',
    });
    expect(readFileSync(upload.file.path, 'utf8')).toBe('quarterly numbers');
    expect(() => prepareUpload(source, 'avatar')).toThrow(UnexpectedFieldError);
  });

  it('uploads the request file, reads the record back through $update, replaces and deletes it', async () => {
    const envelope = await runtime.run(
      {
        source: `
        const up = await $ctx.$storage.$upload({ file: $ctx.$uploadedFile, description: 'q2', folder: 4 });
        const id = up.data[0].id;
        const same = await $ctx.$storage.$update(id, {});
        const meta = await $ctx.$storage.$update(id, { description: 'Q2 final', isPublic: false });
        const replaced = await $ctx.$storage.$update(id, { buffer: [104, 105], filename: 'x.txt', mimetype: 'text/plain' });
        return { up, same, meta, replaced, file: $ctx.$uploadedFile };
      `,
      },
      { method: 'POST', file: upload.file, user: { id: 12 } },
    );
    expect(envelope.error).toBeNull();
    const { up, same, meta, replaced, file } = envelope.data as Record<string, { data: Array<Record<string, unknown>> } & Record<string, unknown>>;
    expect(file).toEqual(upload.file);
    const row = up.data[0]!;
    expect(Object.keys(up)).toEqual(['data']);
    expect(row).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      filename: 'Báo cáo tháng 5.txt',
      mimetype: 'text/plain',
      type: 'document',
      filesize: 17,
      location: expect.stringMatching(/^\/uploads\/Bao_cao_thang_5_\d+_[0-9a-f]{12}\.txt$/),
      description: 'q2',
      folder: { id: 4 },
      uploadedBy: { id: 12 },
      storageConfig: { id: 1 },
      isPublic: true,
      status: 'active',
    });
    const firstLocation = row.location as string;
    // Nothing to change: Enfyra answers the record itself.
    expect(same).toEqual(row);
    expect(meta.data[0]).toMatchObject({ id: row.id, description: 'Q2 final', isPublic: false });
    expect(replaced.data[0]).toMatchObject({ id: row.id, filename: 'x.txt', filesize: 2 });
    const newLocation = replaced.data[0]!.location as string;
    expect(readFileSync(path.join(storageDir, newLocation), 'utf8')).toBe('hi');
    expect(existsSync(path.join(storageDir, firstLocation))).toBe(false);
    expect(envelope.effects.map((e) => e.type)).toEqual(['storage.upload', 'storage.update', 'storage.update', 'storage.update']);

    const del = await runtime.run({ source: `return await $ctx.$storage.$delete(${JSON.stringify(row.id)});` });
    expect(del.data).toEqual({ message: 'Delete successfully!', statusCode: 200 });
    expect(existsSync(path.join(storageDir, newLocation))).toBe(false);
    expect(del.effects).toEqual([{ type: 'storage.delete', id: row.id, location: newLocation }]);
  });

  it('a buffer upload gets its name and type from its signature; $registerFile checks the object exists', async () => {
    const envelope = await runtime.run({
      source: `
        const png = await $ctx.$storage.$upload({ buffer: ${JSON.stringify({ type: 'Buffer', data: [...PNG] })}, filename: 'photo.jpg', mimetype: 'image/jpeg' });
        const reg = await $ctx.$storage.$registerFile({ filename: 'again.png', mimetype: 'image/png', size: 11, location: png.data[0].location, storageConfig: 1 });
        return { png: png.data[0], reg: reg.data[0] };
      `,
    });
    expect(envelope.error).toBeNull();
    const { png, reg } = envelope.data as Record<string, Record<string, unknown>>;
    expect(png).toMatchObject({ filename: 'photo.png', mimetype: 'image/png', type: 'image', filesize: 11 });
    expect(readFileSync(path.join(storageDir, png.location as string))).toEqual(PNG);
    expect(reg).toMatchObject({ filename: 'again.png', location: png.location, storageConfig: { id: 1 } });
  });

  it("bad arguments fail with Enfyra's messages", async () => {
    const envelope = await runtime.run(
      {
        source: `
        const s = $ctx.$storage, out = [];
        const tries = [
          () => s.$upload({}),
          () => s.$upload({ buffer: 'text', filename: 'a', mimetype: 'b' }),
          () => s.$upload({ buffer: [1], mimetype: 'b' }),
          () => s.$upload({ buffer: [1], filename: 'a' }),
          () => s.$upload({ file: $ctx.$uploadedFile, buffer: [1] }),
          () => s.$upload({ file: { path: '/etc/passwd', originalname: 'p', mimetype: 'text/plain', size: 1 } }),
          () => s.$upload({ file: { originalname: 'p' } }),
          () => s.$upload({ buffer: [1], filename: 'a', mimetype: 'b', storageConfig: 5 }),
          () => s.$update('nope', {}),
          () => s.$delete('nope'),
          () => s.$registerFile({ filename: 'a', mimetype: 'b', location: '/uploads/none', size: 1 }),
          () => s.$registerFile({ filename: 'a', mimetype: 'b', location: '/uploads/none', size: 1, storageConfig: 1 }),
          () => s.$registerFile({ filename: 'a', mimetype: 'b', location: '/../../etc/passwd', size: 1, storageConfig: 1 }),
          () => s.$registerFile({ filename: 'a', mimetype: 'b', location: 'x', size: -1, storageConfig: 1 }),
        ];
        for (const t of tries) { try { await t(); out.push('ok'); } catch (e) { out.push([e.message, e.statusCode ?? null]); } }
        return out;
      `,
      },
      { method: 'POST', file: upload.file },
    );
    expect(envelope.error).toBeNull();
    expect(envelope.data).toEqual([
      ['Either file or buffer is required for $storage.$upload', null],
      ['Invalid buffer format for $storage.$upload', null],
      ['filename is required for $storage.$upload buffer uploads', null],
      ['mimetype is required for $storage.$upload buffer uploads', null],
      ['Pass either file or buffer to $storage.$upload, not both', null],
      ["enfyra-run: $storage reads only this request's $uploadedFile (not /etc/passwd)", null],
      ['Invalid uploaded file: path is required', null],
      ['Failed to process file upload: Storage config with ID 5 not found or disabled', 400],
      ['File with ID nope not found', null],
      ['File with ID nope not found', null],
      ['storageConfig is required for $storage.$registerFile', null],
      ['Storage object not found: /uploads/none', 400],
      ['Invalid local storage path: /../../etc/passwd', null],
      ['size must be a non-negative number for $storage.$registerFile', null],
    ]);
    expect(envelope.effects).toEqual([]);
  });
});
