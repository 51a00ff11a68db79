/**
 * Programmatic API, for users' own tests:
 *
 *   import { createRuntime } from 'enfyra-run';
 *   const runtime = await createRuntime({ configPath: 'enfyra.config.json' });
 *   const envelope = await runtime.run('hooks/hello.js', { params: { id: '1' } });
 *   await runtime.close();
 */
export { createRuntime, Runtime } from './runtime.js';
export type { HookTarget, HookChainTargets, RuntimeOptions, RunOptions } from './runtime.js';
export type { Envelope, EnvelopeError } from './context/envelope.js';
export type { HookRequest } from './context/request.js';
export { DEFAULT_USER } from './context/request.js';
export type { ChainResult } from './context/chain.js';
export { loadConfig, resolveConfig, ConfigError } from './config/load.js';
export type { ResolvedConfig } from './config/load.js';
export type { EnfyraConfig, EnfyraConfigInput } from './config/schema.js';
export type { HostModule, HostMethod, InvocationScope } from './sandbox/host-module.js';
export { HttpError } from './context/http-errors.js';
export type { CacheDriver } from './cache/driver.js';
export { createCacheDriver } from './cache/create-driver.js';
export { ManualClock } from './cache/clock.js';
