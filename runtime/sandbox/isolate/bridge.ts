/**
 * The isolate's two ways out (see ../protocol.ts), taken off the global object before any package or
 * script runs: only the bootstrap's own closures hold them.
 */
import type { HostCallback, PostCallback } from '../protocol.ts';

/** Messages that wait for the host's reply. */
export const hostRaw: HostCallback = globalThis.__enfyraHost!;
/** Messages that need no reply. */
export const postRaw: PostCallback = globalThis.__enfyraPost!;
delete globalThis.__enfyraHost;
delete globalThis.__enfyraPost;
