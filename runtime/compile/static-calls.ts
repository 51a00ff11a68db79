/**
 * Calls whose arguments are a trap in Enfyra, found in the compiled code so the warning names the line:
 * `$ctx.$repos.<table>.find({ where: ... })` (and `#table.find(...)`, rewritten to the former), which
 * Enfyra 2.2 ignores. Calls through another variable (`const repo = $ctx.$repos.x; repo.find(...)`) are
 * not followed here: the repository warns at run time, at the line of the call.
 */
import { simple } from 'acorn-walk';
import type { Node } from 'acorn';
import type { AnyNode } from './hook-ast.ts';
import type { Warning } from '../shared/diagnostics.ts';
import { WHERE_IGNORED } from '../shared/known-warnings.ts';
import type { SourcePosition } from './hook-source.ts';

/** `$ctx.$repos.<...>` as a member chain (computed names included). */
function isReposTarget(node: AnyNode): boolean {
  let object: AnyNode = node;
  while (object.type === 'MemberExpression') {
    const inner = object.object as AnyNode;
    if (inner.type === 'Identifier' && inner.name === '$ctx') return !object.computed && object.property.name === '$repos';
    object = inner;
  }
  return false;
}

/** The `where` property of an options object literal (`where:` or `'where':`), if it has one. */
function whereProperty(arg: AnyNode | undefined): AnyNode | undefined {
  if (!arg || arg.type !== 'ObjectExpression') return undefined;
  return arg.properties.find(
    (p: AnyNode) => p.type === 'Property' && !p.computed && ((p.key.type === 'Identifier' && p.key.name === 'where') || (p.key.type === 'Literal' && p.key.value === 'where')),
  );
}

export function staticCallWarnings(ast: Node, file: string, originalPosition: (line: number, column: number) => SourcePosition): Warning[] {
  const warnings: Warning[] = [];
  simple(ast, {
    CallExpression(node) {
      const call = node as AnyNode;
      const callee = call.callee as AnyNode;
      if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'find') return;
      const where = isReposTarget(callee.object) ? whereProperty(call.arguments[0]) : undefined;
      if (!where) return;
      // At the call's method name: where V8 places the call, so the run-time warning of the same call
      // (runtime/sandbox/invocation.ts names each host call's line) lands on the same line and is one.
      const name = callee.property as AnyNode;
      const at = originalPosition(name.loc!.start.line, name.loc!.start.column + 1);
      warnings.push({ ...WHERE_IGNORED, file, line: at.line, column: at.column });
    },
  });
  return warnings;
}
