/**
 * The scripts the host compiles in an isolate: the bootstrap (the isolate's own code, runtime/sandbox/isolate/,
 * with its configuration) and each hook's wrapper.
 */
import { missingPackageMessage } from '../shared/enfyra-messages.ts';
import { HTTP_ERROR_NAMES } from '../shared/http-errors.ts';
import type { HostModule } from './host-module.ts';
import type { IsolateConfig, IsolateLimits, IsolatePackage, ManifestEntry } from './protocol.ts';
import { isolateBundle } from './isolate-bundle.ts';

export function buildManifest(modules: readonly HostModule[]): ManifestEntry[] {
  return modules.map((m) => ({
    path: m.path,
    dynamic: m.dynamicMembers === true,
    callable: m.callable ?? null,
    methods: Object.fromEntries(Object.entries(m.methods).map(([name, method]) => [name, method.kind])),
    fallback: m.fallback?.kind ?? null,
  }));
}

/**
 * The bootstrap script, run once per isolate in its one context, after SES's lockdown script. Its
 * completion value is the isolate's entry function (IsolateEntry; the host keeps it as a Reference).
 */
export function bootstrapSource(manifest: ManifestEntry[], limits: IsolateLimits, packages: readonly IsolatePackage[] = []): string {
  const [missingBefore, missingAfter] = missingPackageMessage('\0').split('\0');
  const config: IsolateConfig = {
    manifest,
    limits: { maxLogs: limits.maxLogs, maxLogLineChars: limits.maxLogLineChars, maxPendingHostCalls: limits.maxPendingHostCalls, maxResultBytes: limits.maxResultBytes },
    statuses: HTTP_ERROR_NAMES,
    packages: packages.map((p) => ({ name: p.name, source: p.source })),
    missingPackage: [missingBefore!, missingAfter!],
  };
  // Strict, so `fn.caller` and stack frames (Error.prepareStackTrace) never hand a script a bridge function.
  return `'use strict';${isolateBundle()}(${JSON.stringify(config)});`;
}

/**
 * Hook source as a script whose value is the hook function (made once per isolate, called per
 * invocation): line 1 of the user's file stays line 1 with `lineOffset: -1`. Strict, as Enfyra's worker
 * runs scripts (its template starts with 'use strict').
 */
export function hookScriptSource(body: string): string {
  return `(async function ($ctx) {'use strict';\n${body}\n})`;
}
