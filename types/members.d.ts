/**
 * The `$ctx` members that reach outside the request (see docs/members/).
 * Merges into EnfyraContext and EnfyraHelpers of enfyra-ctx.d.ts; the kinds
 * that have each member are in runtime/shared/ctx-members.ts.
 */

interface EnfyraSocket {
  /** To every socket of the user (room `user_<id>`) on every gateway. */
  emitToUser(userId: string | number, event: string, data?: unknown): Promise<void>;
  /** To a room of one gateway. */
  emitToRoom(gatewayPath: string, room: string, event: string, data?: unknown): Promise<void>;
  /** To every socket of one gateway. */
  emitToGateway(gatewayPath: string, event: string, data?: unknown): Promise<void>;
  /** To every socket of every gateway. */
  broadcast(event: string, data?: unknown): Promise<void>;
  /** Sockets in the room across gateways (locally: only the current websocket's own rooms count). */
  roomSize(room: string): Promise<number>;
  /** Websocket handlers only. */
  join(room: string): Promise<void>;
  leave(room: string): Promise<void>;
  /** To the current socket. */
  reply(event: string, data?: unknown): Promise<void>;
  emitToCurrentRoom(room: string, event: string, data?: unknown): Promise<void>;
  /** To the room, except the current socket. */
  broadcastToRoom(room: string, event: string, data?: unknown): Promise<void>;
  disconnect(): Promise<void>;
}

/** From a route hook or websocket handler: the queued job; from a flow step: `{ triggered, flowId, flowName }`. */
type EnfyraTriggerResult = { jobId: string; flowId: number | string } | { triggered: true; flowId: number | string; flowName: string };

interface EnfyraUploadedFile {
  originalname: string;
  mimetype: string;
  encoding: string;
  /** The temp file multer wrote; pass the whole object to `$storage.$upload({ file })`. */
  path: string;
  size: number;
  fieldname: string;
}

type EnfyraRelationRef = string | number | { id: string | number } | null;

interface EnfyraFileRecord {
  id: string;
  filename: string;
  mimetype: string;
  type: string;
  filesize: number;
  location: string;
  description: string | null;
  folder: { id: string | number } | null;
  uploadedBy: { id: string | number } | null;
  storageConfig: { id: string | number } | null;
  isPublic: boolean;
  status: 'active' | 'archived' | 'quarantine';
  [field: string]: any;
}

interface EnfyraUploadOptions {
  /** The request's upload (`$ctx.$uploadedFile`), or `buffer` with filename and mimetype. */
  file?: EnfyraUploadedFile;
  buffer?: Uint8Array | number[] | { type: 'Buffer'; data: number[] };
  filename?: string;
  originalname?: string;
  mimetype?: string;
  size?: number;
  folder?: EnfyraRelationRef;
  storageConfig?: EnfyraRelationRef;
  title?: string;
  description?: string;
}

interface EnfyraStorage {
  $upload(options: EnfyraUploadOptions): Promise<{ data: EnfyraFileRecord[] }>;
  /** With `file`/`buffer` the blob is replaced; without, only the record changes (nothing to change: the record itself). */
  $update(
    fileId: string | number,
    options: EnfyraUploadOptions & { status?: string; isPublic?: boolean },
  ): Promise<{ data: EnfyraFileRecord[] } | EnfyraFileRecord>;
  $delete(fileId: string | number): Promise<{ message: 'Delete successfully!'; statusCode: 200 }>;
  /** Records an object already in storage. */
  $registerFile(options: {
    filename?: string;
    originalname?: string;
    mimetype: string;
    location: string;
    size?: number;
    filesize?: number;
    storageConfig: EnfyraRelationRef;
    type?: string;
    folder?: EnfyraRelationRef;
    title?: string;
    description?: string;
    verifyExists?: boolean;
  }): Promise<{ data: EnfyraFileRecord[] }>;
}

interface EnfyraResponse {
  /** Handlers only. In Enfyra `readable` is a Node stream from an installed server package. */
  stream(
    readable: unknown,
    options?: { statusCode?: number; mimetype?: string; filename?: string; headers?: Record<string, string | number | readonly string[] | null | undefined> },
  ): Promise<void>;
}

interface EnfyraFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Values that are not strings are sent as JSON. */
  query?: Record<string, unknown>;
  /** An object is sent as JSON (and makes the default method POST). */
  body?: unknown;
  /** Default 8000. */
  timeoutMs?: number;
  /** Default 1 MB per response. */
  maxBytes?: number;
  /** Default 10 per request. */
  maxRequests?: number;
  /** Default 2 MB per request. */
  maxTotalBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Default 'json'. An ArrayBuffer arrives as {} (it does not cross the bridge). */
  responseType?: 'json' | 'text' | 'arrayBuffer';
}

interface EnfyraFlowContext {
  $payload: any;
  $last: any;
  $meta: { flowId: number | string; flowName: string; executionId: string; depth: number; startedAt: string; currentStep?: string };
  /** Each earlier step's result, by its key. */
  [stepKey: string]: any;
}

interface EnfyraHelpers {
  /** Throws on a non-2xx status; private and loopback addresses are refused. */
  $fetch<T = any>(url: string, options?: EnfyraFetchOptions): Promise<T>;
}

interface EnfyraContext {
  $socket: EnfyraSocket;
  $trigger(flowIdOrName: string | number, payload?: unknown): Promise<EnfyraTriggerResult>;
  /** Multipart requests (POST/PATCH, field "file"); undefined otherwise. */
  $uploadedFile?: EnfyraUploadedFile;
  $storage: EnfyraStorage;
  $res: EnfyraResponse;
  /** Flow steps only. */
  $flow: EnfyraFlowContext;
  /** GraphQL resolvers only. */
  $args: Record<string, any>;
}

/** An installed package (config packages.names), as `$ctx.$pkgs[name]`. */
declare function require(name: string): any;
