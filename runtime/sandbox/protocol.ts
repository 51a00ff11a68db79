/**
 * What the host and the isolate's bootstrap (runtime/sandbox/isolate/) say to each other: message kinds,
 * payload shapes and the bootstrap's configuration. Both programs import it (the root tsconfig's and the
 * isolate's own), so it holds constants and types only: no Node, no DOM, no behaviour.
 *
 * Everything crossing is a string (or a number id), so nothing but copies crosses. Into the isolate, one
 * entry function (IsolateEntry):
 *     entry('s', invId, requestJson, hookFn)    start an invocation (one entry)
 *     entry('r', invId, repliesJson)            settle its host calls: [[callId, reply], ...]
 * Out of it, two ivm.Callbacks on the same host function: `__enfyraHost` (waits for the reply) and
 * `__enfyraPost` (fire-and-forget, so an entry on isolated-vm's thread pool does not stop for a round trip
 * to the Node thread); every message carries the invocation's id, and the host drops those of an
 * invocation that has ended:
 *     host('s', invId, op, argsJson, specialsJson)      sync call  -> reply
 *     host('x', invId, name, argsJson)                  web intrinsic (URL parsing) -> reply
 *     post('a', invId, op, argsJson, specialsJson, id)  async call (settled later by entry('r'))
 *     post('l', invId, line, entriesJson)               one $logs call: display line + JSON entries
 *     post('d', invId, outcomeJson)                     the hook finished (OutcomeMessage)
 *     post('w', invId, callId, stack)                   where the call whose reply said 'w' was made
 *                                                       (callId 0: the sync call that just returned)
 *   reply: 'u' (undefined) | 'v' + json | 'e' + json(ReplyError), or 'w' + one of those: the call raised
 *   warnings, and the host asks where in the script it was made (a stack the host reads the hook's line from)
 */
import type { UnrepresentableKind } from '../shared/wire.ts';

export type { UnrepresentableKind };

/** The entry function's first argument. */
export const ENTRY = { start: 's', replies: 'r' } as const;

/** The first argument of a message out of the isolate. */
export const MESSAGE = { syncCall: 's', intrinsic: 'x', asyncCall: 'a', log: 'l', done: 'd', callSite: 'w' } as const;
export type MessageKind = (typeof MESSAGE)[keyof typeof MESSAGE];

/** The first character of a reply to a host call. */
export const REPLY = { undefined: 'u', value: 'v', error: 'e', locate: 'w' } as const;

/** The callId of a call-site message about the sync call that just returned. */
export const LAST_SYNC_CALL = 0;

/** An error reply's JSON. statusCode is always present (null when none), so the isolate never looks it up on a polluted prototype. */
export interface ReplyError {
  name: string;
  message: string;
  statusCode: number | null;
}

/**
 * The `$ctx` fields a hook may change for the next script: the isolate reports each (`$flow` only where it
 * exists), the host accepts no others, and the chain (runtime/context/chain.ts) and the flow runner carry them.
 */
export const RETURNED_FIELDS = ['$body', '$query', '$share', '$data', '$statusCode', '$flow'] as const;
export type ReturnedField = (typeof RETURNED_FIELDS)[number];
export type ChangedFields = Partial<Record<ReturnedField, unknown>>;

/** The request surface copied into `$ctx` (all JSON values): the start message's request JSON. */
export interface ContextData {
  params: unknown;
  query: unknown;
  body: unknown;
  user: unknown;
  req: unknown;
  share: unknown;
  data: unknown;
  statusCode: unknown;
  api: unknown;
  env: unknown;
  /**
   * More `$ctx` data members, keyed by their `$ctx` name (`$flow`, `$uploadedFile`, `$args`): copied into
   * `$ctx` like the fields above and visible to host modules in `scope.context`. Only the kinds that have
   * them set them (see runtime/members/kinds).
   */
  extra?: Readonly<Record<string, unknown>>;
}

/** How a host method is called from the isolate. */
export type CallKind = 'sync' | 'async';

/** A host module as the isolate builds its `$ctx` stubs (host-module.ts has the module itself). */
export interface ManifestEntry {
  path: string;
  dynamic: boolean;
  callable: string | null;
  methods: Record<string, CallKind>;
  /** How the module's fallback for unknown method names is called, if it has one. */
  fallback: CallKind | null;
}

/** The sandbox limits the isolate enforces itself (the host enforces them again). */
export interface IsolateLimits {
  maxLogs: number;
  maxLogLineChars: number;
  maxPendingHostCalls: number;
  maxResultBytes: number;
}

/**
 * An installed package as the isolate loads it: `source` is a script whose completion value is the
 * package (members/pkgs/bundle.ts builds it). Loaded once per isolate, after lockdown, then frozen with
 * the rest of the shared realm.
 */
export interface IsolatePackage {
  name: string;
  source: string;
}

/** The bootstrap's one argument, as JSON in its source. */
export interface IsolateConfig {
  manifest: ManifestEntry[];
  limits: IsolateLimits;
  /** status -> exception name */
  statuses: Record<string, string>;
  packages: IsolatePackage[];
  /** Enfyra's message for a package that is not installed, around the name. */
  missingPackage: [string, string];
}

/** The bootstrap script's completion value: the host's one way in (see the file comment). */
export type IsolateEntry = (kind: (typeof ENTRY)[keyof typeof ENTRY], invId: number, payload: string, fn?: HookFunction) => void;

/** A hook compiled in the isolate's context (invocation.ts's hookScriptSource). */
export type HookFunction = ($ctx: unknown) => Promise<unknown>;

/** A host call's arguments that JSON cannot carry, by index: `[kind, detail]`. */
export type ArgSpecials = Record<number, [kind: 'undefined' | UnrepresentableKind, detail: string]>;

/** `__enfyraHost`: messages that wait for the host's reply. */
export interface HostCallback {
  (kind: typeof MESSAGE.syncCall, invId: number, op: string, argsJson: string, specialsJson: string): string;
  (kind: typeof MESSAGE.intrinsic, invId: number, name: WebIntrinsicName, argsJson: string): string;
}

/** `__enfyraPost`: messages that need no reply. */
export interface PostCallback {
  (kind: typeof MESSAGE.asyncCall, invId: number, op: string, argsJson: string, specialsJson: string, callId: number): void;
  (kind: typeof MESSAGE.log, invId: number, line: string, entriesJson: string): void;
  (kind: typeof MESSAGE.done, invId: number, outcomeJson: string): void;
  (kind: typeof MESSAGE.callSite, invId: number, callId: number, stack: string): void;
}

/** The outcome the isolate posts when the hook has finished (`d`). Objects without a prototype on the isolate side. */
export interface OutcomeMessage {
  ok: boolean;
  /** `$logs` calls the isolate dropped past sandbox.maxLogs. */
  dropped: number;
  /** The returned value's JSON. */
  data?: string;
  /** Why the returned value has no JSON (a BigInt, a cycle, ...). */
  dataProblem?: string;
  error?: OutcomeError;
  /** Each returned field's JSON; null when it has none. */
  changed: Partial<Record<ReturnedField, string | null>>;
}

export interface OutcomeError {
  name: string;
  message: string;
  statusCode: number | null;
  /** `$throw`'s details as JSON. */
  details: string | null;
  code: string | null;
  stack: string | null;
  thrownNonError: boolean;
}

/** The parts of a URL, as WHATWG's URL has them; all but `origin` can be set. */
export const URL_PARTS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'] as const;
export type UrlPart = (typeof URL_PARTS)[number];
export const URL_SETTABLE_PARTS: readonly UrlPart[] = URL_PARTS.filter((part) => part !== 'origin');
export type UrlRecord = Record<UrlPart, string>;

/** The web intrinsics the isolate's URL and URLSearchParams ask the host for (`x`; web-intrinsics.ts answers). */
export interface WebIntrinsics {
  url(input: string, base: string | null): UrlRecord;
  urlSet(href: string, part: string, value: string): UrlRecord;
  query(text: string): Array<[string, string]>;
}
export type WebIntrinsicName = keyof WebIntrinsics;
