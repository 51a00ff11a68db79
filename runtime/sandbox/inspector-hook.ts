/**
 * The sandbox's one opening for V8's inspector (runtime/debug/: `--inspect`,
 * `--coverage`). It is a process-wide switch, like Node's own `--inspect`:
 * installed once before any isolate exists, it makes every isolate and
 * context inspectable and lets the debug layer see each isolate and each hook
 * before the hook runs. Not installed (always, outside local debugging), the
 * sandbox behaves exactly as without this file.
 */
import type ivm from 'isolated-vm';
import type { HookSource } from '../compile/hook-source.ts';

export interface IsolateInspector {
  /** A new isolate (created with the inspector on), before any hook is compiled in it. */
  attach(isolate: ivm.Isolate): void;
  /** Before `hook` is compiled and run in `isolate`: may wait (for a debugger to connect). */
  beforeRun(isolate: ivm.Isolate, hook: HookSource): Promise<void>;
  /**
   * The script a hook is compiled as: its name (the URL debuggers and coverage know it by) and its
   * text, `wrapped` (the hook in the sandbox's wrapper) or that text with a source-map comment added.
   */
  script(hook: HookSource, wrapped: string): { filename: string; source: string };
  /** Takes the place of `isolate.dispose()`, so the inspector can read what it needs first (coverage). */
  retire(isolate: ivm.Isolate): void;
}

let installed: IsolateInspector | null = null;

export function installIsolateInspector(inspector: IsolateInspector | null): void {
  installed = inspector;
}

export function isolateInspector(): IsolateInspector | null {
  return installed;
}

/** `isolate.dispose()`, through the inspector when one is installed. */
export function retireIsolate(isolate: ivm.Isolate): void {
  if (isolate.isDisposed) return;
  if (installed) installed.retire(isolate);
  else isolate.dispose();
}
