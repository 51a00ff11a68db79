/**
 * Multipart uploads through `enfyra-run dev` over a real socket, as Enfyra's
 * upload middleware handles them (file-upload.middleware.ts): the `file`
 * part becomes `$uploadedFile`, the text fields `$body`, and the temp copy is
 * gone once the request is answered.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startDev, type DevProcess } from './dev-process.ts';
import { route, serverProject } from './support.ts';

const ALL = ['GET', 'POST', 'PATCH', 'DELETE'];

// Stores the upload through $storage (so the bytes are read from the temp copy) and answers what it saw.
const HANDLER = `const file = $ctx.$uploadedFile;
const stored = file ? (await $ctx.$storage.$upload({ file })).data[0].location : null;
return { method: $ctx.$req.method, file: file ?? null, body: $ctx.$body, stored };
`;

function form(fields: Record<string, string>, file?: { name: string; bytes: string | Uint8Array; type?: string; field?: string }): FormData {
  const f = new FormData();
  for (const [name, value] of Object.entries(fields)) f.append(name, value);
  if (file) f.append(file.field ?? 'file', new Blob([file.bytes], { type: file.type ?? 'text/plain' }), file.name);
  return f;
}

/** A request with any method and body (fetch refuses a body on GET). */
function rawRequest(url: string, method: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function encoded(f: FormData): Promise<{ body: Buffer; type: string }> {
  const r = new Response(f);
  return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type')! };
}

describe('enfyra-run dev: multipart uploads', () => {
  let dev: DevProcess;
  let dir: string;

  beforeAll(async () => {
    dir = serverProject({
      'routes/upload.json': route({
        path: '/upload',
        availableMethods: ALL,
        publicMethods: ALL,
        maxUploadFileSize: 1,
        handlers: { GET: { file: 'upload.js' }, POST: { file: 'upload.js' }, PATCH: { file: 'upload.js' }, DELETE: { file: 'upload.js' } },
      }),
      'routes/big.json': route({ path: '/big', availableMethods: ['POST'], publicMethods: ['POST'], handlers: { POST: { file: 'upload.js' } } }),
      'routes/upload.js': HANDLER,
    });
    dev = await startDev(dir);
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it("POST: the file part is $uploadedFile in Enfyra's shape, its bytes readable through $storage; the text fields are $body", async () => {
    const csv = 'sku,qty\npen,3\n';
    const r = await getJson(`${dev.url}/upload`, {
      method: 'POST',
      body: form({ title: 'Q3', 'meta[source]': 'crm', 'tags[0]': 'a', 'tags[1]': 'b', file: 'a text field named file' }, { name: 'stock.csv', bytes: csv, type: 'text/csv' }),
    });
    expect(r.status).toBe(200);
    const data = r.body;
    expect(data.method).toBe('POST');
    expect(data.file).toEqual({
      originalname: 'stock.csv',
      mimetype: 'text/csv',
      encoding: '7bit',
      path: expect.stringMatching(/[\\/]enfyra-upload-[0-9a-f-]{36}$/),
      size: Buffer.byteLength(csv),
      fieldname: 'file',
    });
    // Nested names as multer reads them; the text field "file" is dropped, as Enfyra drops it.
    expect(data.body).toEqual({ title: 'Q3', meta: { source: 'crm' }, tags: ['a', 'b'] });
    expect(readFileSync(path.join(dir, '.enfyra/storage', data.stored), 'utf8')).toBe(csv);
    // Removed once the request was answered.
    expect(existsSync(data.file.path)).toBe(false);
  });

  it('PATCH reads uploads too; folder, storageConfig and role fields become references as Enfyra makes them', async () => {
    const r = await getJson(`${dev.url}/upload`, {
      method: 'PATCH',
      body: form({ folder: '7', storageConfig: '1', role: '{"id":3,"name":"editor"}', note: 'x' }, { name: 'a.txt', bytes: 'hi' }),
    });
    expect(r.status).toBe(200);
    expect(r.body.file).toMatchObject({ originalname: 'a.txt', size: 2, mimetype: 'text/plain' });
    expect(r.body.body).toEqual({ folder: { id: '7' }, storageConfig: { id: '1' }, role: { id: 3 }, note: 'x' });
    const plain = await getJson(`${dev.url}/upload`, { method: 'POST', body: form({ role: '2', folder: 'null' }) });
    expect(plain.body).toMatchObject({ file: null, body: { role: { id: 2 }, folder: 'null' }, stored: null });
  });

  it('GET and DELETE with a multipart body are not uploads: no $uploadedFile, and the form is not read into $body', async () => {
    const body = await encoded(form({ title: 'ignored' }, { name: 'a.txt', bytes: 'hi' }));
    for (const method of ['GET', 'DELETE']) {
      const r = await rawRequest(`${dev.url}/upload`, method, { 'content-type': body.type }, body.body);
      expect(r.status, method).toBe(200);
      expect(r.body, method).toMatchObject({ method, file: null, body: {}, stored: null });
    }
  });

  it("names are repaired as Enfyra repairs multer's latin1 reading: Vietnamese-looking names come back, others keep the damage", async () => {
    const names: Record<string, string> = { 'café.txt': 'café.txt', 'Báo cáo.txt': 'Báo cáo.txt', 'naïve.txt': 'naà¯ve.txt' };
    for (const [sent, seen] of Object.entries(names)) {
      const r = await getJson(`${dev.url}/upload`, { method: 'POST', body: form({}, { name: sent, bytes: 'x' }) });
      expect(r.body.file.originalname, sent).toBe(seen);
    }
  });

  it("a malformed body, a file in another field and a file over the route's limit are Enfyra's 500 error body; no script runs", async () => {
    const cases: Array<[string, RequestInit, string]> = [
      ['cut short', { body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } }, 'Unexpected end of form'],
      ['no boundary', { body: 'a=1', headers: { 'content-type': 'multipart/form-data' } }, 'Multipart: Boundary not found'],
      ['another field', { body: form({}, { name: 'me.png', bytes: 'x', field: 'avatar' }) }, 'Unexpected field'],
      ['over 1 MB', { body: form({}, { name: 'big.bin', bytes: new Uint8Array(1024 * 1024 + 1) }) }, 'File too large'],
    ];
    for (const [what, init, message] of cases) {
      const r = await getJson(`${dev.url}/upload`, { method: 'POST', ...init });
      expect(r.status, what).toBe(500);
      expect(r.body, what).toMatchObject({
        success: false,
        statusCode: 500,
        message,
        error: { code: 'INTERNAL_SERVER_ERROR', message, path: '/upload', method: 'POST' },
      });
    }
    const traces = (await getJson(`${dev.url}/__enfyra/requests`)).body as Array<{ url: string; status: number; steps: unknown[] }>;
    const failed = traces.filter((t) => t.url === '/upload' && t.status === 500);
    expect(failed).toHaveLength(cases.length);
    expect(failed.map((t) => t.steps)).toEqual(cases.map(() => []));
    // Without a route limit Enfyra's 10 MB setting applies.
    const big = await getJson(`${dev.url}/big`, { method: 'POST', body: form({}, { name: 'big.bin', bytes: new Uint8Array(1024 * 1024 + 1) }) });
    expect(big.status).toBe(200);
    expect(big.body.file.size).toBe(1024 * 1024 + 1);
  });

  it('the inspector trace shows the upload and the body the scripts saw', async () => {
    await getJson(`${dev.url}/upload`, { method: 'POST', body: form({ title: 'traced' }, { name: 't.txt', bytes: 'abc' }) });
    const traces = (await getJson(`${dev.url}/__enfyra/requests`)).body as Array<{ request: { body: unknown; file?: unknown } }>;
    const trace = traces.find((t) => (t.request.body as { title?: string } | null)?.title === 'traced');
    expect(trace?.request.file).toMatchObject({ originalname: 't.txt', size: 3 });
  });
});
