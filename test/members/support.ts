/** A sandbox with the members' host modules, run as any script kind. */
import { Sandbox } from '../../runtime/sandbox/sandbox.ts';
import { sandboxSchema, type SandboxConfig } from '../../runtime/config/schema.ts';
import { contextData, type HookRequest } from '../../runtime/context/request.ts';
import type { HostModule } from '../../runtime/sandbox/host-module.ts';
import type { ContextData } from '../../runtime/sandbox/invocation.ts';
import type { ScriptKind } from '../../runtime/shared/ctx-members.ts';
import { rewriteTemplateSyntax } from '../../runtime/template/rewrite.ts';

export interface RunAs {
  kind?: ScriptKind;
  request?: HookRequest;
  /** Replaces the request-built data (a flow step's or websocket handler's $ctx). */
  data?: ContextData;
}

export function membersSandbox(modules: HostModule[], limits: Partial<SandboxConfig> = {}) {
  const sandbox = new Sandbox(sandboxSchema.parse({ cpuTimeoutMs: 2000, wallTimeoutMs: 15_000, ...limits }), modules);
  const run = (code: string, as: RunAs = {}) =>
    sandbox.invoke(
      { filename: 'hooks/member-test.js', code: rewriteTemplateSyntax(code).code },
      as.data ?? contextData(as.request ?? {}, { APP_MODE: 'test' }),
      undefined,
      as.kind ?? 'handler',
    );
  return { sandbox, run };
}
