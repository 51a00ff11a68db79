/**
 * Reads hook files and turns them into compile-ready sources: template
 * syntax (@CACHE, #table, ...) rewritten, file names shown relative to the
 * working folder. Files are re-read only when they change.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { HookSource } from './invocation.ts';
import { rewriteTemplateSyntax } from '../template/rewrite.ts';
import { NotUtf8Error, readUtf8File } from '../shared/utf8.ts';

/** A hook file that cannot be read: the CLI reports it as a usage error (exit 2). */
export class HookFileError extends Error {
  override readonly name = 'HookFileError';
}

export class HookLoader {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; hook: HookSource }>();

  private readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  load(file: string): HookSource {
    const absolute = path.resolve(this.cwd, file);
    let stat;
    try {
      stat = statSync(absolute);
    } catch (err) {
      throw new HookFileError(`hook file not found: ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    if (!stat.isFile()) throw new HookFileError(`hook path is not a file: ${file}`);
    const cached = this.cache.get(absolute);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.hook;
    let text: string;
    try {
      text = readUtf8File(absolute);
    } catch (err) {
      if (err instanceof NotUtf8Error) throw new HookFileError(`hook file ${file} is ${err.message}`);
      throw new HookFileError(`cannot read hook file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const hook = this.fromSource(text, displayName(this.cwd, absolute));
    this.cache.set(absolute, { mtimeMs: stat.mtimeMs, size: stat.size, hook });
    return hook;
  }

  fromSource(source: string, filename: string): HookSource {
    return { filename, code: rewriteTemplateSyntax(stripShebang(source)).code };
  }
}

function displayName(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

/** A `#!` first line would be a syntax error inside the function wrapper; blank it, keeping line numbers. */
function stripShebang(source: string): string {
  return source.startsWith('#!') ? source.replace(/^#![^\n]*/, '') : source;
}
