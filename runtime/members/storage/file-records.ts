/**
 * The `enfyra_file` records `$storage` writes, kept in a JSON file in the
 * storage folder with the return shapes of Enfyra's repository: create and
 * update answer `{ data: [row] }`, delete `{ message: 'Delete successfully!',
 * statusCode: 200 }`. (`$repos.enfyra_file` does not read this file.)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../shared/write-file-atomic.ts';

export type FileRow = Record<string, unknown> & { id: string };

export class FileRecords {
  private readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.file = path.join(dir, 'enfyra_file.json');
  }

  /** One operation at a time, so concurrent host calls never lose a write. */
  private serial<T>(work: (rows: FileRow[]) => T | Promise<T>): Promise<T> {
    const next = this.queue.then(() => work(this.read()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(): FileRow[] {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as FileRow[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read ${this.file}: ${(err as Error).message}`);
    }
  }

  private write(rows: FileRow[]): void {
    writeFileAtomic(this.file, JSON.stringify(rows, null, 2));
  }

  find(id: unknown): Promise<FileRow | null> {
    return this.serial((rows) => rows.find((r) => String(r.id) === String(id)) ?? null);
  }

  create(data: Record<string, unknown>): Promise<{ data: FileRow[] }> {
    return this.serial((rows) => {
      const now = new Date().toISOString();
      // Enfyra's column defaults (data/snapshot.json enfyra_file): isPublic true, status active.
      const row: FileRow = { isPublic: true, status: 'active', ...data, id: randomUUID(), createdAt: now, updatedAt: now };
      this.write([...rows, row]);
      return { data: [row] };
    });
  }

  update(id: unknown, data: Record<string, unknown>): Promise<{ data: FileRow[] }> {
    return this.serial((rows) => {
      const index = rows.findIndex((r) => String(r.id) === String(id));
      // Enfyra's repository: a missing id is a 400 "id X is not exists!".
      if (index < 0) throw Object.assign(new Error(`id ${String(id)} is not exists!`), { statusCode: 400 });
      const row: FileRow = { ...rows[index]!, ...data, id: rows[index]!.id, updatedAt: new Date().toISOString() };
      const next = [...rows];
      next[index] = row;
      this.write(next);
      return { data: [row] };
    });
  }

  delete(id: unknown): Promise<{ message: 'Delete successfully!'; statusCode: 200 }> {
    return this.serial((rows) => {
      const next = rows.filter((r) => String(r.id) !== String(id));
      if (next.length === rows.length) throw Object.assign(new Error(`id ${String(id)} is not exists!`), { statusCode: 400 });
      this.write(next);
      return { message: 'Delete successfully!' as const, statusCode: 200 as const };
    });
  }
}
