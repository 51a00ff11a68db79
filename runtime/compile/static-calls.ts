/**
 * Calls whose arguments are a trap in Enfyra, found in the compiled code so the warning names the line:
 * `$ctx.$repos.<table>.find({ where: ... })` (and `#table.find(...)`, rewritten to the former), which
 * Enfyra 2.2 ignores. Calls through another variable (`const repo = $ctx.$repos.x; repo.find(...)`) are
 * not followed: the repository warns at run time, without a line, where this cannot see the call.
 */
import type { Node } from 'acorn';
import { parseHookCode } from './hook-ast.ts';
import { simple } from 'acorn-walk';
import type { Warning } from '../shared/diagnostics.ts';
import { WHERE_IGNORED } from '../shared/known-warnings.ts';
import type { SourcePosition } from './hook-source.ts';

type AnyNode = Node & Record<string, any>;

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

function hasWhereKey(arg: AnyNode | undefined): boolean {
  if (!arg || arg.type !== 'ObjectExpression') return false;
  return arg.properties.some(
    (p: AnyNode) => p.type === 'Property' && !p.computed && ((p.key.type === 'Identifier' && p.key.name === 'where') || (p.key.type === 'Literal' && p.key.value === 'where')),
  );
}

export function staticCallWarnings(code: string, file: string, originalPosition: (line: number, column: number) => SourcePosition): Warning[] {
  const ast = parseHookCode(code);
  if (!ast) return [];
  const warnings: Warning[] = [];
  simple(ast, {
    CallExpression(node) {
      const call = node as AnyNode;
      const callee = call.callee as AnyNode;
      if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'find') return;
      if (!isReposTarget(callee.object) || !hasWhereKey(call.arguments[0])) return;
      const where = (call.arguments[0] as AnyNode).properties.find((p: AnyNode) => (p.key.name ?? p.key.value) === 'where');
      const at = originalPosition(where.loc.start.line, where.loc.start.column + 1);
      warnings.push({ ...WHERE_IGNORED, file, line: at.line, column: at.column });
    },
  });
  return warnings;
}
