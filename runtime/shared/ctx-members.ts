/**
 * Every `$ctx` member a script can meet, in one place. The sandbox builds
 * `$ctx` from it, the template rewriter takes its tokens from it, the chain
 * knows from it which members carry from one script to the next, and
 * `types/enfyra-ctx.d.ts` is tested against it. Adding a member starts here.
 *
 * Facts about Enfyra 2.2 (which kinds have which member, the template tokens)
 * come from its public server source; see ../../docs/parity.md.
 */

/** The kinds of script Enfyra runs, each with its own `$ctx`. */
export const SCRIPT_KINDS = ['preHook', 'handler', 'postHook', 'flowStep', 'websocket', 'bootstrap', 'graphql'] as const;
export type ScriptKind = (typeof SCRIPT_KINDS)[number];

/** The kinds that run as part of an HTTP request. */
export const ROUTE_KINDS: readonly ScriptKind[] = ['preHook', 'handler', 'postHook'];

export type MemberSource =
  /** A JSON value copied into the isolate for each script (request data). */
  | 'data'
  /** Methods served by a host module over the bridge. */
  | 'host'
  /** Defined by the code inside the isolate itself ($logs, $throw, $transaction.run). */
  | 'isolate';

export interface CtxMember {
  readonly name: `$${string}`;
  readonly source: MemberSource;
  /** Template tokens that stand for this member (`@BODY` → `$ctx.$body`), with the path each rewrites to. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Script kinds whose `$ctx` has this member; 'all' for every kind. */
  readonly kinds: readonly ScriptKind[] | 'all';
  /** A change a script makes to this member is seen by the next script of the same request. */
  readonly carries?: boolean;
  /** enfyra-run only (Enfyra lacks it): a script using it works here and fails in production, so it warns. */
  readonly extension?: boolean;
  /** One line for docs and the .d.ts. */
  readonly doc: string;
}

const HTTP: readonly ScriptKind[] = ['preHook', 'handler', 'postHook', 'graphql'];
const REQUEST_LIKE: readonly ScriptKind[] = ['preHook', 'handler', 'postHook', 'flowStep', 'websocket', 'graphql'];
/** Kinds whose $ctx has a request (a flow step has none: createFlow passes no req). */
const WITH_REQ: readonly ScriptKind[] = ['preHook', 'handler', 'postHook', 'websocket', 'graphql'];
/** Kinds with `$api.request`: HTTP and websocket handlers (createGraphql passes no apiRequest). */
const WITH_API: readonly ScriptKind[] = ['preHook', 'handler', 'postHook', 'websocket'];

export const CTX_MEMBERS: readonly CtxMember[] = [
  { name: '$body', source: 'data', tokens: { '@BODY': '$ctx.$body' }, kinds: 'all', carries: true, doc: 'The request body (a flow step: the flow payload; a websocket event: the message).' },
  { name: '$query', source: 'data', tokens: { '@QUERY': '$ctx.$query' }, kinds: 'all', carries: true, doc: 'The parsed query string; filter, deep and aggregate arrive parsed from JSON ({} outside HTTP).' },
  { name: '$params', source: 'data', tokens: { '@PARAMS': '$ctx.$params' }, kinds: 'all', carries: true, doc: 'Route parameters, always strings ({} outside HTTP).' },
  { name: '$user', source: 'data', tokens: { '@USER': '$ctx.$user' }, kinds: 'all', doc: "The signed-in user's row with its role, or null (always null in a bootstrap script)." },
  { name: '$req', source: 'data', tokens: { '@REQ': '$ctx.$req' }, kinds: WITH_REQ, doc: 'The request: method, url, path, headers, query, params, ip, hostname, protocol, originalUrl, rawBody.' },
  { name: '$share', source: 'data', tokens: { '@SHARE': '$ctx.$share' }, kinds: 'all', carries: true, doc: 'Shared by the scripts of one request; $share.$logs holds the logs.' },
  { name: '$data', source: 'data', tokens: { '@DATA': '$ctx.$data' }, kinds: REQUEST_LIKE, carries: true, doc: "In post-hooks: the handler's result (null after an error)." },
  { name: '$statusCode', source: 'data', tokens: { '@STATUS': '$ctx.$statusCode' }, kinds: HTTP, carries: true, doc: '200 before post-hooks, the error status after an error. Never sets the HTTP status.' },
  { name: '$api', source: 'data', tokens: { '@API': '$ctx.$api' }, kinds: WITH_API, carries: true, doc: 'request {method,url,timestamp,correlationId,userAgent,ip}; response and error on the error path.' },
  { name: '$error', source: 'data', tokens: { '@ERROR': '$ctx.$error' }, kinds: HTTP, carries: true, doc: 'In post-hooks after an error: {message,name,stack,statusCode,details,timestamp}.' },
  { name: '$env', source: 'data', tokens: { '@ENV': '$ctx.$env' }, kinds: 'all', doc: 'Environment variables minus the five Enfyra hides.' },
  { name: '$uploadedFile', source: 'data', tokens: { '@UPLOADED_FILE': '$ctx.$uploadedFile' }, kinds: ['preHook', 'handler', 'postHook'], doc: 'The multipart upload: {originalname,mimetype,encoding,path,size,fieldname}.' },
  {
    name: '$flow',
    source: 'data',
    tokens: { '@FLOW': '$ctx.$flow', '@FLOW_PAYLOAD': '$ctx.$flow.$payload', '@FLOW_LAST': '$ctx.$flow.$last', '@FLOW_META': '$ctx.$flow.$meta' },
    kinds: ['flowStep'],
    carries: true,
    doc: 'A flow step: $payload, $last, $meta and the result of each earlier step by its key.',
  },
  { name: '$args', source: 'data', kinds: ['graphql'], doc: 'A GraphQL resolver: the field arguments.' },
  { name: '$logs', source: 'isolate', tokens: { '@LOGS': '$ctx.$logs' }, kinds: 'all', doc: 'Each argument becomes one log entry; objects stay objects.' },
  {
    name: '$throw',
    source: 'isolate',
    tokens: {
      '@THROW': '$ctx.$throw',
      '@THROW400': "$ctx.$throw['400']",
      '@THROW401': "$ctx.$throw['401']",
      '@THROW403': "$ctx.$throw['403']",
      '@THROW404': "$ctx.$throw['404']",
      '@THROW409': "$ctx.$throw['409']",
      '@THROW422': "$ctx.$throw['422']",
      '@THROW429': "$ctx.$throw['429']",
      '@THROW500': "$ctx.$throw['500']",
      '@THROW503': "$ctx.$throw['503']",
    },
    kinds: 'all',
    doc: "$throw['404'](message, details) for any status, and $throw.http/notFound/duplicate/...",
  },
  { name: '$transaction', source: 'isolate', kinds: 'all', doc: '$transaction.run(async () => ...): the $repos calls inside share one database transaction.' },
  { name: '$cache', source: 'host', tokens: { '@CACHE': '$ctx.$cache' }, kinds: 'all', doc: "Enfyra's user cache: get, set, setNoExpire, deleteKey, exists, acquire, release." },
  { name: '$repos', source: 'host', tokens: { '@REPOS': '$ctx.$repos' }, kinds: 'all', doc: '$repos.<table>, $repos.main, $repos.secure.<table>: find, create, update, delete, exists.' },
  { name: '$helpers', source: 'host', tokens: { '@HELPERS': '$ctx.$helpers', '@FETCH': '$ctx.$helpers.$fetch' }, kinds: 'all', doc: 'autoSlug, $jwt, $bcrypt, $crypto, $sleep, $rateLimit, $fetch.' },
  { name: '$socket', source: 'host', tokens: { '@SOCKET': '$ctx.$socket' }, kinds: REQUEST_LIKE, doc: 'Emits to users, rooms and gateways (recorded as effects); websocket handlers also join, leave, reply, ...' },
  { name: '$trigger', source: 'host', tokens: { '@TRIGGER': '$ctx.$trigger' }, kinds: ['preHook', 'handler', 'postHook', 'flowStep', 'websocket'], doc: '$trigger(flowIdOrName, payload) queues a flow.' },
  { name: '$storage', source: 'host', tokens: { '@STORAGE': '$ctx.$storage' }, kinds: 'all', doc: '$upload, $update, $delete, $registerFile.' },
  { name: '$res', source: 'host', tokens: { '@RES': '$ctx.$res' }, kinds: ['handler'], doc: '$res.stream(...) answers with a stream instead of JSON.' },
  { name: '$pkgs', source: 'host', tokens: { '@PKGS': '$ctx.$pkgs' }, kinds: 'all', doc: 'Installed packages by name (also require(name) and %name).' },
];

export function memberHasKind(member: CtxMember, kind: ScriptKind): boolean {
  return member.kinds === 'all' || member.kinds.includes(kind);
}

export function membersOf(kind: ScriptKind): CtxMember[] {
  return CTX_MEMBERS.filter((m) => memberHasKind(m, kind));
}

/** Members whose changes carry from one script to the next within a request. */
export const CARRIED_MEMBERS: readonly string[] = CTX_MEMBERS.filter((m) => m.carries).map((m) => m.name);

/** `@TOKEN` → the `$ctx` path it rewrites to, for every member. */
export const TEMPLATE_TOKENS: ReadonlyMap<string, string> = new Map(
  CTX_MEMBERS.flatMap((m) => Object.entries(m.tokens ?? {})),
);
