/// <reference path="./members.d.ts" />
/**
 * The `$ctx` a hook sees under enfyra-run (and Enfyra). Hook files are
 * function bodies: top-level `await` and `return` work, and the returned
 * value is the response data.
 *
 * Editors pick this up through hooks/jsconfig.json.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A key: a non-empty string (Enfyra refuses anything else with 'cache key is required'). */
type CacheKey = string;

/**
 * Enfyra's user cache. Keys live under `<NODE_NAME>:user_cache:`. A string is
 * stored as it is and read back JSON-parsed ('123' comes back as 123); other
 * values are stored as JSON. Without a positive TTL (and with setNoExpire) a
 * value gets the namespace lifecycle TTL, 30 min by default. Any other method
 * name fails with "Cache method not found".
 */
interface EnfyraCache {
  /** Stored value, JSON-parsed; `null` on miss or expiry. */
  get<T = any>(key: CacheKey): Promise<T | null>;
  /** Store; `ttlMs` a whole number of milliseconds, or none for the lifecycle TTL (30 min). */
  set(key: CacheKey, value: unknown, ttlMs?: number): Promise<void>;
  /** Store with the lifecycle TTL (30 min): in Enfyra 2.2 this does expire. */
  setNoExpire(key: CacheKey, value: unknown): Promise<void>;
  /** Remove; no error when absent. */
  deleteKey(key: CacheKey): Promise<void>;
  /** `true` iff present and its JSON text equals `value`'s (key order matters); always `false` without `value`. */
  exists(key: CacheKey, value: unknown): Promise<boolean>;
  /** Atomic set-if-absent (SET NX PX): `true` if this call took the lock. */
  acquire(key: CacheKey, value: unknown, ttlMs?: number): Promise<boolean>;
  /** Atomic compare-and-delete on the stored text: `true` iff it was `value`'s and was deleted; `false` on any error. */
  release(key: CacheKey, value: unknown): Promise<boolean>;
  /** enfyra-run extension (Enfyra lacks it): atomic add (`by` defaults to 1); `ttlMs` applies when the key is created. */
  incr(key: CacheKey, by?: number, ttlMs?: number): Promise<number>;
  /** enfyra-run extension (Enfyra lacks it): fencing token of a lock this hook holds (see docs/redis.md, "What a Redis lock guarantees"). */
  lockToken(key: CacheKey): Promise<number | null>;
}

type FilterOperators = {
  _eq?: unknown; _neq?: unknown; _gt?: unknown; _gte?: unknown; _lt?: unknown; _lte?: unknown;
  _between?: [unknown, unknown]; _in?: unknown[] | string; _not_in?: unknown[] | string; _nin?: unknown[] | string;
  _contains?: string; _starts_with?: string; _ends_with?: string;
  _is_null?: boolean; _is_not_null?: boolean;
};
type Filter = {
  _and?: Filter[];
  _or?: Filter[];
  _not?: Filter;
  [field: string]: FilterOperators | Filter[] | Filter | string | number | boolean | null | undefined;
};
type MetaOption = 'totalCount' | 'filterCount' | '*' | Array<'totalCount' | 'filterCount'>;
type AggregateOperation = { count?: true | Filter; sum?: true | Filter; avg?: true | Filter; min?: true | Filter; max?: true | Filter; countRecords?: true | Filter };

interface DeepEntry {
  fields?: string | string[];
  filter?: Filter;
  sort?: string | string[];
  /** One-to-many and many-to-many relations only; `page` needs it. */
  limit?: number;
  page?: number;
  deep?: Record<string, DeepEntry>;
}

/** What find() is not given comes from the request's `$query` (limit defaults to 10; the page always comes from `$query.page`). */
interface EnfyraFindOptions {
  filter?: Filter;
  /** @deprecated Not an option in Enfyra 2.2: ignored (the request's filter or every row is read). Use `filter`. */
  where?: Filter;
  /** `'id,name'`, `['id', 'author.name']`, `'*'`, `'-notes'` (exclude). */
  fields?: string | string[];
  /** `'name,-price'`, `'-author.name'`: a leading minus sorts descending. */
  sort?: string | string[];
  /** Default 10 (from `$query.limit`); 0 or negative means all rows. */
  limit?: number | string;
  /** @deprecated Ignored by Enfyra: the page always comes from `$query.page`. */
  page?: number;
  meta?: MetaOption;
  aggregate?: Record<string, AggregateOperation>;
  deep?: Record<string, DeepEntry>;
}

interface FindResult<Row> {
  data: Row[];
  /** Present only when `meta` or `aggregate` is asked for. */
  meta?: { totalCount?: number; filterCount?: number; aggregate?: Record<string, Record<string, number | null>> };
}

interface EnfyraRepository<Row = Record<string, any>> {
  find(options?: EnfyraFindOptions): Promise<FindResult<Row>>;
  exists(filter: Filter | { filter: Filter }): Promise<boolean>;
  /** A given id is dropped. */
  create(options: { data: Partial<Row>; fields?: string | string[] }): Promise<FindResult<Row>>;
  create(options: { data: Partial<Row> | Partial<Row>[]; batch: true }): Promise<{ accepted: true; batch: true; count: number }>;
  /** A missing id is a 400 `id X is not exists!`. */
  update(options: { id: string | number; data: Partial<Row>; fields?: string | string[] }): Promise<FindResult<Row>>;
  /** A missing id is a 400 `id X is not exists!`. */
  delete(options: { id: string | number }): Promise<{ message: 'Delete successfully!'; statusCode: 200 }>;
}

type Encoding = 'hex' | 'base64' | 'base64url';

interface RateLimitOptions {
  maxRequests: number;
  perSeconds: number;
}
interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  resetAt: number;
  retryAfter: number;
  limit: number;
  window: number;
}

interface SlugOptions {
  separator?: string;
  lowercase?: boolean;
  trim?: boolean;
  /** 0 for no limit. */
  maxLength?: number;
}

interface EnfyraHelpers {
  /** Enfyra's slug: "Crème Brûlée!" → "creme-brulee", "Vue.js" → "vuejs"; at most 100 characters; '' for a non-string. */
  autoSlug(text: string, options?: SlugOptions): string;
  /** jsonwebtoken HS256 with SECRET_KEY; `expiresIn` in seconds or `ms` syntax ('15m', '1w', '2 days'; '60' is 60 ms). */
  $jwt(payload: Record<string, unknown>, expiresIn: string | number): Promise<string>;
  $bcrypt: {
    hash(plain: string): Promise<string>;
    compare(plain: string, hash: string): Promise<boolean>;
  };
  $crypto: {
    randomUUID(): string;
    /** `size` (default 32) is clamped to 1..4096; an unknown encoding gives hex. */
    randomBytes(size?: number, encoding?: Encoding): string;
    sha256(data: string, encoding?: Encoding): string;
    hmacSha256(data: string, key: string, encoding?: Encoding): string;
    /** RSA 4096: `publicKey` in OpenSSH form (`ssh-rsa ... comment`), `privateKey` PKCS#1 PEM. */
    generateSshKeyPair(comment?: string): Promise<{ publicKey: string; privateKey: string }>;
  };
  /** Wait `ms` (clamped to 0..30000 and to the invocation's wall-clock limit). */
  $sleep(ms: number): Promise<void>;
  $rateLimit: {
    byIp(options: RateLimitOptions): Promise<RateLimitResult>;
    byUser(options: RateLimitOptions): Promise<RateLimitResult>;
    byRoute(options: RateLimitOptions): Promise<RateLimitResult>;
    byIpGlobal(options: RateLimitOptions): Promise<RateLimitResult>;
    byUserGlobal(options: RateLimitOptions): Promise<RateLimitResult>;
    check(key: string, options: RateLimitOptions): Promise<RateLimitResult>;
    status(key: string, options: RateLimitOptions): Promise<RateLimitResult>;
    reset(key: string): Promise<void>;
  };
}

/** Ends the hook with that HTTP status; catchable like any error. */
type EnfyraThrow = (message?: string, ...details: unknown[]) => never;

interface EnfyraContext {
  $params: Record<string, string>;
  $query: Record<string, any>;
  $body: any;
  /** The signed-in user's enfyra_user row with its `role` row; `null` for anonymous requests. */
  $user: ({
    id: string | number;
    email?: string;
    isRootAdmin?: boolean;
    role?: { id: string | number; name: string; [key: string]: any } | null;
    [key: string]: any;
  }) | null;
  $req: {
    method: string;
    url: string;
    originalUrl: string;
    path: string;
    ip: string;
    hostname?: string;
    /** Always 'http' in Enfyra. */
    protocol: string;
    headers: Record<string, string>;
    query: Record<string, any>;
    /** Always {} in Enfyra: route parameters are in $params. */
    params: Record<string, string>;
    /** The JSON body's text as sent (undefined without a JSON body). */
    rawBody?: string;
    /** Websocket scripts: the connected user (null when anonymous). */
    user?: EnfyraContext['$user'];
  };
  /** Shared between the hooks of one request. */
  $share: Record<string, any>;
  /** In post-hooks: the handler's result. */
  $data: any;
  $statusCode: number;
  $api: {
    request: { method: string; url: string; timestamp: string; correlationId: string; userAgent?: string; ip: string };
    /** Only on the error path (post-hooks after an error). */
    response?: { statusCode: number; responseTime?: number; timestamp?: string; [key: string]: any } | null;
    error?: EnfyraScriptError | null;
  };
  /** In post-hooks after a handler error (as `$api.error`); undefined otherwise. */
  $error?: EnfyraScriptError;
  /** The process environment minus DB_URI, DB_REPLICA_URIS, REDIS_URI, SECRET_KEY and ADMIN_PASSWORD. */
  $env: Record<string, string>;
  /** Collected, in order, into the result's `logs`. */
  $logs(...args: unknown[]): void;
  $throw: Record<'400' | '401' | '403' | '404' | '409' | '422' | '429' | '500' | '503', EnfyraThrow>;
  $cache: EnfyraCache;
  /** `$repos.<table>` for every table (trusted); `$repos.main` (the route's main table) and `$repos.secure.<table>` enforce field permissions. */
  $repos: { [table: string]: EnfyraRepository } & { secure: { [table: string]: EnfyraRepository } };
  $helpers: EnfyraHelpers;
  $pkgs: Record<string, any>;
  /** The `$repos` calls made inside `callback` share one database transaction: committed when it resolves, rolled back when it throws (a nested run joins the outer one). */
  $transaction: { run<T>(callback: () => Promise<T> | T): Promise<T> };
}

/** A script error as post-hooks see it (`$ctx.$error`, `$ctx.$api.error`). */
interface EnfyraScriptError {
  message: string;
  name: string;
  stack: string;
  /** The error's status (500 when it had none). */
  statusCode: number;
  details: any;
  timestamp: string;
}

declare const $ctx: EnfyraContext;
