/**
 * Reads of `$ctx` data that behave in Enfyra as the author probably does not
 * expect. `$env` and `$req` are plain data inside the sandbox (no host call
 * to attach a line to), so they are found here, in the compiled code:
 * `$ctx.$env.X`, `$ctx.$env['X']`, `@ENV.X` (rewritten to the former) and
 * `const { X } = $ctx.$env`. Reads through another variable
 * (`const env = $ctx.$env; env.X`) or a computed name are not followed.
 */
import { simple } from 'acorn-walk';
import type { Node } from 'acorn';
import type { AnyNode } from './hook-ast.ts';
import type { Warning } from '../shared/diagnostics.ts';
import { ENFYRA_HIDDEN_ENV, looksSecret } from '../shared/enfyra-env.ts';
import type { SourcePosition } from './hook-source.ts';

interface Read {
  /** `$env`, `$req`, ... */
  readonly member: string;
  readonly name: string;
  /** 1-based line, 0-based column (acorn's) in the code. */
  readonly line: number;
  readonly column: number;
}

const HIDDEN = ENFYRA_HIDDEN_ENV.join(', ');

function warningFor(read: Read): Pick<Warning, 'code' | 'message'> | null {
  if (read.member === '$env') {
    if (ENFYRA_HIDDEN_ENV.includes(read.name)) {
      return {
        code: 'env.hidden',
        message: `$env.${read.name} is always undefined in Enfyra, which hides ${HIDDEN} from scripts; get the value another way`,
      };
    }
    if (looksSecret(read.name)) {
      return {
        code: 'env.secret-like',
        message: `$env.${read.name} looks like a secret: Enfyra gives every script the server's whole environment except ${HIDDEN}, so every script (and whoever can edit one) can read it; make sure that is intended and that the server sets it`,
      };
    }
    return null;
  }
  if (read.member === '$req' && read.name === 'params') {
    return {
      code: 'req.params-empty',
      message: '$req.params is always {} in Enfyra (scripts run in an app-level middleware, before Express fills route parameters); read route parameters from $params',
    };
  }
  if (read.member === '$req' && read.name === 'protocol') {
    return {
      code: 'req.protocol-http',
      message: "$req.protocol is always 'http' in Enfyra, also behind HTTPS (its server speaks plain HTTP and does not trust proxy headers); use the x-forwarded-proto header or a configured base URL",
    };
  }
  return null;
}

export function staticReadWarnings(
  ast: Node,
  file: string,
  originalPosition: (line: number, column: number) => SourcePosition,
): Warning[] {
  const warnings: Warning[] = [];
  const seen = new Set<string>();
  for (const read of findReads(ast)) {
    const warning = warningFor(read);
    if (!warning) continue;
    const at = originalPosition(read.line, read.column + 1);
    const key = `${warning.code}\0${read.name}\0${at.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    warnings.push({ ...warning, file, line: at.line, column: at.column });
  }
  return warnings;
}

function findReads(ast: Node): Read[] {
  const reads: Read[] = [];
  const destructured = (pattern: AnyNode, source: AnyNode) => {
    const member = ctxMemberName(source);
    if (!member || pattern.type !== 'ObjectPattern') return;
    for (const property of pattern.properties as AnyNode[]) {
      if (property.type !== 'Property') continue;
      const name = keyName(property.key, property.computed);
      if (name !== null) reads.push(readAt(member, name, property.key));
    }
  };
  simple(ast, {
    MemberExpression(node) {
      const n = node as AnyNode;
      const member = ctxMemberName(n.object);
      const name = member ? keyName(n.property, n.computed) : null;
      if (member && name !== null) reads.push(readAt(member, name, n.property));
    },
    VariableDeclarator(node) {
      const n = node as AnyNode;
      if (n.init) destructured(n.id, n.init);
    },
    AssignmentExpression(node) {
      const n = node as AnyNode;
      destructured(n.left, n.right);
    },
  });
  return reads;
}

function readAt(member: string, name: string, node: AnyNode): Read {
  // Parsed with `locations: true`, so every node has one.
  const start = node.loc!.start;
  return { member, name, line: start.line, column: start.column };
}

/** `$ctx.$env` → '$env' (also `$ctx['$env']`); null for anything else. */
function ctxMemberName(node: AnyNode | null | undefined): string | null {
  if (node?.type !== 'MemberExpression') return null;
  if (node.object?.type !== 'Identifier' || node.object.name !== '$ctx') return null;
  const name = keyName(node.property, node.computed);
  return name !== null && name.startsWith('$') ? name : null;
}

function keyName(key: AnyNode, computed: boolean): string | null {
  if (!computed && key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return null;
}
