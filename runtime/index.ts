/**
 * Programmatic API, for users' own tests:
 *
 *   import { createRuntime } from 'enfyra-run';
 *   const runtime = await createRuntime();        // enfyra.config.json found from the working folder up
 *   const envelope = await runtime.run('hooks/hello.js', { params: { id: '1' } });
 *   await runtime.close();                         // optional: an idle runtime never holds the process open
 */
export { createRuntime, Runtime } from './runtime.ts';
export type { HookTarget, HookChainTargets, RuntimeOptions, RunOptions } from './runtime.ts';
export type { Envelope, EnvelopeError } from './context/envelope.ts';
export type { HookRequest } from './context/request.ts';
export { DEFAULT_USER, RequestDataError } from './context/request.ts';
export { ScriptCompileError } from './compile/compile-error.ts';
export type { HookSource, CompiledHook, ScriptLanguage, SourcePosition } from './compile/hook-source.ts';
export type { ChainResult } from './context/chain.ts';
export { loadConfig, resolveConfig, ConfigError } from './config/load.ts';
export type { ResolvedConfig } from './config/load.ts';
export type { EnfyraConfig, EnfyraConfigInput } from './config/schema.ts';
export type { HostModule, HostMethod, InvocationScope } from './sandbox/host-module.ts';
export { HttpError } from './shared/http-errors.ts';
export type { CacheDriver } from './cache/driver.ts';
export { createCacheDriver } from './cache/create-driver.ts';
export { ManualClock } from './cache/clock.ts';
// Fixtures and state from your own tests: `enfyra-run/testing` (runtime/replay/testing.ts).
export type { RuntimeStores } from './runtime.ts';
