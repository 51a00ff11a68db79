/**
 * A source map for a hook's script, so a debugger shows the hook as written
 * (TypeScript with its types, template syntax) with the file's line numbers,
 * and breakpoints set on those lines land where the compiled code runs them.
 * The generated side is the script's own text: the sandbox's wrapper line,
 * then the executable code; each code line maps at its first token through
 * the compile step's position mapping.
 */
import { encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import type { HookSource } from '../compile/hook-source.ts';

/** Lines before the hook's first line in the compiled script (see hookScriptSource). */
const WRAPPER_LINES = 1;

export interface ScriptSourceMap {
  version: 3;
  sources: string[];
  sourcesContent: string[];
  names: string[];
  mappings: string;
}

/** null when there is nothing to map to (a hook built by hand, without its source). */
export function scriptSourceMap(hook: HookSource, wrapped: string, url: string): ScriptSourceMap | null {
  if (hook.source === undefined || !hook.originalPosition) return null;
  const lines = wrapped.split(/\r\n|[\n\r\u2028\u2029]/);
  const mappings: SourceMapSegment[][] = lines.map((text, index) => {
    const codeLine = index - WRAPPER_LINES + 1;
    if (codeLine < 1 || codeLine > lines.length - WRAPPER_LINES - 1) return [];
    const column = Math.max(0, text.search(/\S/));
    const at = hook.originalPosition!(codeLine, column + 1);
    return [[column, 0, at.line - 1, at.column - 1]];
  });
  return { version: 3, sources: [url], sourcesContent: [hook.source], names: [], mappings: encode(mappings) };
}

/** The comment that attaches `map` to a script (a data URL: nothing to serve). */
export function sourceMapComment(map: ScriptSourceMap): string {
  return `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
