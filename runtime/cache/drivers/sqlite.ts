/**
 * The embedded default: one SQLite file shared by every process on the
 * machine (WAL + busy_timeout). Expiry is exact: every read filters on
 * expires_at, so an expired row is never returned even before it is swept.
 * Writes that must be atomic are single statements or IMMEDIATE transactions,
 * which SQLite serializes across processes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CacheUnavailableError, type CacheDriver, type SlidingWindowResult } from '../driver.ts';
import { systemClock, type Clock } from '../clock.ts';
import { addToStoredInteger } from './integer.ts';

export interface SqliteDriverOptions {
  /** File path, or ':memory:'. The folder is created if missing. */
  path: string;
  clock?: Clock;
  /** How long a call waits for another process's write lock before failing with a 503. */
  busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cache_entries (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cache_entries_expires_at ON cache_entries (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS cache_window_hits (key TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cache_window_hits_key_at ON cache_window_hits (key, at);
CREATE INDEX IF NOT EXISTS cache_window_hits_expires_at ON cache_window_hits (expires_at);
CREATE TABLE IF NOT EXISTS cache_fences (key TEXT PRIMARY KEY, token INTEGER NOT NULL) WITHOUT ROWID;
`;

const LIVE = '(expires_at IS NULL OR expires_at > ?)';
const SWEEP_EVERY_WRITES = 256;

function prepareAll(db: Database.Database) {
  return {
    get: db.prepare<[string, number], string>(`SELECT value FROM cache_entries WHERE key = ? AND ${LIVE}`).pluck(),
    set: db.prepare<[string, string, number | null]>(
      `INSERT INTO cache_entries (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    updateValue: db.prepare<[string, string]>('UPDATE cache_entries SET value = ? WHERE key = ?'),
    delete: db.prepare<[string], number | null>('DELETE FROM cache_entries WHERE key = ? RETURNING expires_at').pluck(),
    acquire: db.prepare<[string, string, number, number]>(
      `INSERT INTO cache_entries (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE cache_entries.expires_at IS NOT NULL AND cache_entries.expires_at <= ?`,
    ),
    release: db.prepare<[string, string, number]>(`DELETE FROM cache_entries WHERE key = ? AND value = ? AND ${LIVE}`),
    ttl: db.prepare<[string, number], { expires_at: number | null }>(
      `SELECT expires_at FROM cache_entries WHERE key = ? AND ${LIVE}`,
    ),
    fence: db
      .prepare<[string], number>(
        `INSERT INTO cache_fences (key, token) VALUES (?, 1)
         ON CONFLICT (key) DO UPDATE SET token = token + 1 RETURNING token`,
      )
      .pluck(),
    dropHits: db.prepare<[string, number]>('DELETE FROM cache_window_hits WHERE key = ? AND at <= ?'),
    countHits: db.prepare<[string], { n: number; oldest: number | null }>(
      'SELECT count(*) AS n, min(at) AS oldest FROM cache_window_hits WHERE key = ?',
    ),
    addHit: db.prepare<[string, number, number]>('INSERT INTO cache_window_hits (key, at, expires_at) VALUES (?, ?, ?)'),
    sweepEntries: db.prepare<[number]>('DELETE FROM cache_entries WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    sweepHits: db.prepare<[number]>('DELETE FROM cache_window_hits WHERE expires_at <= ?'),
  };
}

type Statements = ReturnType<typeof prepareAll>;

interface Open {
  db: Database.Database;
  st: Statements;
  incr: Database.Transaction<(key: string, by: number, ttlMs: number | null, now: number) => number>;
  slidingWindow: Database.Transaction<(key: string, limit: number, windowMs: number, now: number) => SlidingWindowResult>;
}

export class SqliteCacheDriver implements CacheDriver {
  readonly kind = 'sqlite';
  private readonly now: Clock;
  private opened: Open | null = null;
  private writesSinceSweep = 0;

  private readonly options: SqliteDriverOptions;

  constructor(options: SqliteDriverOptions) {
    this.options = options;
    this.now = options.clock ?? systemClock;
  }

  async get(key: string): Promise<string | null> {
    return this.guard(() => this.open().st.get.get(key, this.now()) ?? null);
  }

  async set(key: string, value: string, ttlMs: number | null): Promise<void> {
    this.guard(() => {
      const { st } = this.open();
      const now = this.now();
      st.set.run(key, value, ttlMs === null ? null : now + ttlMs);
      this.noteWrite(now);
    });
  }

  async delete(key: string): Promise<boolean> {
    return this.guard(() => {
      const now = this.now();
      const expiresAt = this.open().st.delete.get(key);
      return expiresAt !== undefined && (expiresAt === null || expiresAt > now);
    });
  }

  async acquire(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.guard(() => {
      const now = this.now();
      const taken = this.open().st.acquire.run(key, value, now + ttlMs, now).changes === 1;
      if (taken) this.noteWrite(now);
      return taken;
    });
  }

  async release(key: string, value: string): Promise<boolean> {
    return this.guard(() => this.open().st.release.run(key, value, this.now()).changes === 1);
  }

  async incr(key: string, by: number, ttlMs: number | null): Promise<number> {
    return this.guard(() => this.open().incr.immediate(key, by, ttlMs, this.now()));
  }

  async slidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult> {
    return this.guard(() => this.open().slidingWindow.immediate(key, limit, windowMs, this.now()));
  }

  async nextFencingToken(key: string): Promise<number> {
    return this.guard(() => this.open().st.fence.get(key)!);
  }

  async ttl(key: string): Promise<number | null> {
    return this.guard(() => {
      const now = this.now();
      const row = this.open().st.ttl.get(key, now);
      if (!row) return -1;
      return row.expires_at === null ? null : row.expires_at - now;
    });
  }

  async close(): Promise<void> {
    this.opened?.db.close();
    this.opened = null;
  }

  /** Opened on first use, so a run that never touches $cache never creates the file. */
  private open(): Open {
    if (this.opened) return this.opened;
    const db = openDatabase(this.options.path, this.options.busyTimeoutMs ?? 5000);
    const st = prepareAll(db);
    const incr = db.transaction((key: string, by: number, ttlMs: number | null, now: number) => {
      const stored = st.get.get(key, now);
      const next = addToStoredInteger(stored ?? null, by);
      if (stored === undefined) st.set.run(key, String(next), ttlMs === null ? null : now + ttlMs);
      else st.updateValue.run(String(next), key);
      return next;
    });
    const slidingWindow = db.transaction((key: string, limit: number, windowMs: number, now: number) => {
      st.dropHits.run(key, now - windowMs);
      const { n, oldest } = st.countHits.get(key)!;
      const allowed = n < limit;
      if (allowed) st.addHit.run(key, now, now + windowMs);
      const count = allowed ? n + 1 : n;
      const first = oldest ?? (allowed ? now : null);
      return { allowed, count, oldestExpiresAt: first === null ? now : first + windowMs, now };
    });
    this.opened = { db, st, incr, slidingWindow };
    return this.opened;
  }

  private noteWrite(now: number): void {
    if (++this.writesSinceSweep < SWEEP_EVERY_WRITES) return;
    this.writesSinceSweep = 0;
    const { st } = this.open();
    st.sweepEntries.run(now);
    st.sweepHits.run(now);
  }

  private guard<T>(op: () => T): T {
    try {
      return op();
    } catch (err) {
      throw unavailable(err) ?? err;
    }
  }
}

function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    db?.close();
    throw unavailable(err) ?? new CacheUnavailableError(`cache unavailable (sqlite): cannot open ${file}: ${(err as Error).message}`);
  }
}

const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT)/;

/** A store that cannot be used right now (locked too long, unreadable file) is a 503, not a script error. */
function unavailable(err: unknown): CacheUnavailableError | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !UNAVAILABLE_CODES.test(code)) return null;
  return new CacheUnavailableError(`cache unavailable (sqlite): ${(err as Error).message}`);
}
