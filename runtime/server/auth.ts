/**
 * Who is calling, as Enfyra's jwt-auth middleware decides it: no
 * `Authorization: Bearer …` header → anonymous; a token that does not verify
 * (HS256 with the configured secret) → 401, or anonymous on a public method;
 * a token without `id`, or whose user does not exist → anonymous; otherwise
 * `$user` is the user's row from `enfyra_user` with its `enfyra_role` row as
 * `role`, plus `loginProvider`, `tokenType` and `apiTokenId` from the token
 * (server src/http/middlewares/jwt-auth.middleware.ts,
 * src/shared/utils/load-user-with-role.util.ts). Enfyra keeps loaded users 60 s
 * in memory; here each request reads them, so an edited user applies at once.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Database } from '../repos/database.ts';
import type { Row } from '../repos/repository.ts';
import { HttpError } from '../shared/http-errors.ts';
import { enfyraErrors, type EnfyraError } from '../context/enfyra-errors.ts';

export const USER_TABLE = 'enfyra_user';
export const ROLE_TABLE = 'enfyra_role';

export type AuthResult = { user: Record<string, unknown> | null; error?: undefined } | { error: EnfyraError; user?: undefined };

export class Authenticator {
  private readonly key: Uint8Array;
  private readonly database: () => Promise<Database>;
  private readonly onWarning: (message: string) => void;
  private warnedNoTable = false;

  constructor(options: { secret: string; database: () => Promise<Database>; onWarning?: (message: string) => void }) {
    this.key = new TextEncoder().encode(options.secret);
    this.database = options.database;
    this.onWarning = options.onWarning ?? (() => undefined);
  }

  /** `isPublic`: the matched route lists the method as public (a bad token is then ignored). */
  async authenticate(authorization: string | undefined, isPublic: boolean): Promise<AuthResult> {
    if (!authorization || !authorization.startsWith('Bearer ')) return { user: null };
    let payload: Record<string, unknown>;
    try {
      payload = (await jwtVerify(authorization.slice(7), this.key)).payload as Record<string, unknown>;
    } catch (err) {
      if (isPublic) return { user: null };
      return { error: err instanceof joseErrors.JWTExpired ? enfyraErrors.tokenExpired() : enfyraErrors.invalidToken() };
    }
    if (!payload || !payload.id) return { user: null };
    const user = await this.loadUser(payload.id);
    if (!user) return { user: null };
    return {
      user: {
        ...user,
        loginProvider: payload.loginProvider ?? null,
        tokenType: payload.tokenType ?? null,
        apiTokenId: payload.tokenId ?? null,
      },
    };
  }

  /** The user row with its role, or null (unknown id, an id Enfyra would not look up, no user table). */
  async loadUser(rawId: unknown): Promise<Row | null> {
    const id = sqlId(rawId);
    if (id === null) return null;
    const db = await this.database();
    if (!db.schema.tables.has(USER_TABLE)) {
      if (!this.warnedNoTable) {
        this.warnedNoTable = true;
        this.onWarning(`a signed token names user ${String(id)}, but the schema has no "${USER_TABLE}" table: the request runs as anonymous`);
      }
      return null;
    }
    const user = await findById(db, USER_TABLE, id);
    if (!user) return null;
    const roleId = sqlId(user.roleId);
    if (roleId !== null && db.schema.tables.has(ROLE_TABLE)) user.role = await findById(db, ROLE_TABLE, roleId);
    return user;
  }

  /** The user id inside a token that verifies, else undefined. */
  async userIdOf(token: string): Promise<unknown> {
    try {
      return ((await jwtVerify(token, this.key)).payload as Record<string, unknown>).id;
    } catch {
      return undefined;
    }
  }

  /** A token for user `id`, as Enfyra's login would issue (payload `{ id }`), valid for `expiresIn`. */
  async sign(id: string | number, expiresIn = '1h'): Promise<string> {
    return new SignJWT({ id }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(this.key);
  }
}

/** Enfyra looks up only safe integers, digit strings and uuids. */
function sqlId(value: unknown): string | number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  if (/^[0-9]+$/.test(value)) return value;
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value)) return value;
  return null;
}

async function findById(db: Database, table: string, id: string | number): Promise<Row | null> {
  const repository = db.repository(table);
  const pk = repository.table.primaryKey.name;
  try {
    const found = await repository.find({ filter: { [pk]: { _eq: id } }, limit: 1 });
    return found.data[0] ?? null;
  } catch (err) {
    // An id the key's type cannot hold (999 for a uuid key) names no user: the request is anonymous.
    if (err instanceof HttpError && err.statusCode === 400) return null;
    throw err;
  }
}
