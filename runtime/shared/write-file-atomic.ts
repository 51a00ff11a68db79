/**
 * Writes a file so that a reader (another process included) sees either the old content or the new, never
 * a half-written one: the text goes to a temp file beside it, renamed over it. The folder is made.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
