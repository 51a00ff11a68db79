/** The compiled code of a hook as an acorn tree, for the static checks; null where acorn cannot parse it. */
import { parse, type Node } from 'acorn';

/** An acorn node with its type-specific fields (acorn's own types do not narrow by `type`). */
export type AnyNode = Node & Record<string, any>;

export function parseHookCode(code: string): Node | null {
  try {
    return parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      locations: true,
    });
  } catch {
    // V8 accepted the code (it is checked before the static checks) but acorn does not: nothing to report.
    return null;
  }
}
