/**
 * Reads hook files and compiles them (see compile.ts); file names are shown
 * relative to the working folder. A file is read and compiled again only when
 * it changes; a file that does not compile keeps failing the same way until
 * it does.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileScript } from './compile.ts';
import type { CompiledHook, ScriptLanguage } from './hook-source.ts';
import { decodeUtf8, NotUtf8Error } from '../shared/utf8.ts';

/** A hook file that cannot be read: the CLI reports it as a usage error (exit 2). */
export class HookFileError extends Error {
  override readonly name = 'HookFileError';
}

interface CacheEntry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly result: { hook: CompiledHook } | { error: unknown };
}

export class HookLoader {
  private readonly cache = new Map<string, CacheEntry>();

  private readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  /** Throws HookFileError (unreadable file) or ScriptCompileError (Enfyra would refuse the script). */
  load(file: string): CompiledHook {
    const absolute = path.resolve(this.cwd, file);
    let stat;
    try {
      stat = statSync(absolute);
    } catch (err) {
      throw new HookFileError(`hook file not found: ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    if (!stat.isFile()) throw new HookFileError(`hook path is not a file: ${file}`);
    const cached = this.cache.get(absolute);
    if (!cached || cached.mtimeMs !== stat.mtimeMs || cached.size !== stat.size) {
      const text = readHookText(absolute, file);
      let result: CacheEntry['result'];
      try {
        result = { hook: this.fromSource(text, displayName(this.cwd, absolute)) };
      } catch (error) {
        result = { error };
      }
      this.cache.set(absolute, { mtimeMs: stat.mtimeMs, size: stat.size, result });
      return unwrap(result);
    }
    return unwrap(cached.result);
  }

  /** An inline hook; its language follows `filename` (see languageOf) unless given. */
  fromSource(source: string, filename: string, language?: ScriptLanguage): CompiledHook {
    return compileScript(source, { filename, language });
  }
}

function unwrap(result: CacheEntry['result']): CompiledHook {
  if ('error' in result) throw result.error;
  return result.hook;
}

function readHookText(absolute: string, file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (err) {
    throw new HookFileError(`cannot read hook file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return decodeUtf8(bytes);
  } catch (err) {
    if (!(err instanceof NotUtf8Error)) throw err;
    throw new HookFileError(`hook file ${file} is ${err.message}; Enfyra stores scripts as UTF-8 (e.g. iconv -f latin1 -t utf-8)`);
  }
}

function displayName(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}
