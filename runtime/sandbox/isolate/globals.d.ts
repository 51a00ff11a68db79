/**
 * The isolate's globals beyond ECMAScript. SES's shim (run just before the bootstrap) declares its own
 * (`lockdown`, `harden`, `Compartment`, ...: the `ses` package's types, pulled in by lockdown.ts). The host
 * sets the bridge's two callbacks (isolate-pool.ts); the bootstrap takes them and removes them before any
 * other code runs, so they are `undefined` from then on. The bootstrap installs the rest for scripts.
 */
declare var __enfyraHost: import('../protocol.ts').HostCallback | undefined;
declare var __enfyraPost: import('../protocol.ts').PostCallback | undefined;

// Installed by the bootstrap (main.ts, packages.ts, web-globals.ts), as Enfyra's worker offers them.
declare var console: import('./console.ts').IsolateConsole;
declare var require: (name: unknown) => unknown;
declare var global: typeof globalThis;
declare var URL: import('./web-globals.ts').WebGlobals['URL'];
declare var URLSearchParams: import('./web-globals.ts').WebGlobals['URLSearchParams'];
declare var TextEncoder: import('./web-globals.ts').WebGlobals['TextEncoder'];
declare var TextDecoder: import('./web-globals.ts').WebGlobals['TextDecoder'];
/** Removed by the bootstrap: its memory lives outside the isolate's heap limit. */
declare var WebAssembly: object | undefined;

/** V8's own (not ECMAScript): records the current stack as `target.stack`. */
interface ErrorConstructor {
  captureStackTrace?(target: object, constructorOpt?: Function): void;
}
