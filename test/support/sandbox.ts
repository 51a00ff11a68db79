/** A sandbox with only the test echo module, for bridge and limit tests that need no backend. */
import { Sandbox } from '../../runtime/sandbox/sandbox.ts';
import { sandboxSchema, type SandboxConfig } from '../../runtime/config/schema.ts';
import { contextData, type HookRequest } from '../../runtime/context/request.ts';
import type { HostModule } from '../../runtime/sandbox/host-module.ts';
import { createEchoModule } from './echo-module.ts';

export function testSandbox(limits: Partial<SandboxConfig> = {}, modules: HostModule[] = [createEchoModule()]) {
  const sandbox = new Sandbox(sandboxSchema.parse({ cpuTimeoutMs: 300, wallTimeoutMs: 1500, ...limits }), modules);
  const run = (code: string, request: HookRequest = {}) =>
    sandbox.invoke({ filename: 'hooks/test.js', code }, contextData(request, { APP_MODE: 'test' }));
  return { sandbox, run };
}
