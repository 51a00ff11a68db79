/**
 * What the compile step hands the sandbox: the executable code of one script
 * and what it needs to talk about that script in the author's terms (the
 * source as written, positions in it, static warnings).
 */
import type { Warning } from '../shared/diagnostics.ts';

/** Enfyra's `scriptLanguage`: every stored script is 'typescript' unless 'javascript' is chosen. */
export type ScriptLanguage = 'javascript' | 'typescript';

/** A place in a text; both numbers are 1-based, as editors and stack traces show them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * `filename` and `code` are all the sandbox needs to run a script; the other
 * fields are optional in this type so that code building a hook by hand
 * (`{ filename, code }`) stays valid. The compile step always fills them
 * (see CompiledHook).
 */
export interface HookSource {
  /** Shown in error messages and stack traces. */
  readonly filename: string;
  /** Executable function-body JavaScript: template syntax rewritten, TypeScript transpiled. */
  readonly code: string;
  /** The script as its author wrote it. */
  readonly source?: string;
  /** A position in `code` → the same place in `source` (through the template rewrite and the TS transpile). */
  readonly originalPosition?: (line: number, column: number) => SourcePosition;
  /** Static traps found while compiling, with lines and columns in `source`. */
  readonly warnings?: readonly Warning[];
}

/** The compile step's output: every field filled. */
export interface CompiledHook extends HookSource {
  readonly source: string;
  readonly originalPosition: (line: number, column: number) => SourcePosition;
  readonly warnings: readonly Warning[];
  readonly language: ScriptLanguage;
}

const JAVASCRIPT_EXTENSIONS = /\.(js|mjs|cjs)$/i;

/**
 * A file's extension stands for the language chosen in Enfyra: `.js` is a
 * script whose language is set to JavaScript; anything else (`.ts`, an inline
 * script without an extension) gets Enfyra's default, TypeScript.
 */
export function languageOf(filename: string): ScriptLanguage {
  return JAVASCRIPT_EXTENSIONS.test(filename) ? 'javascript' : 'typescript';
}
