/**
 * What the conformance suite's parts share: the fixtures (test/repos/fixtures,
 * Enfyra's format), users, a per-describe seeded database (a private
 * in-memory copy on SQLite, uniquely prefixed tables on the servers, dropped
 * afterwards) and request-like repository calls that collect warnings.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { HttpError } from '../../runtime/shared/http-errors.ts';
import { openDatabase, type Database } from '../../runtime/repos/database.ts';
import { dropTables } from '../../runtime/repos/ddl.ts';
import { loadFixtures } from '../../runtime/repos/fixtures.ts';
import type { FindResult, RepoCall, Row } from '../../runtime/repos/repository.ts';
import { createSqliteTemplate, type SqliteTemplate } from '../../runtime/repos/sqlite-image.ts';
import { uniqueTablePrefix, type TestDatabase } from '../support/databases.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const conformanceFixtures = loadFixtures({
  schema: path.join(here, 'fixtures/schema.json'),
  seed: path.join(here, 'fixtures/seed.json'),
});

export const ALL_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
export const USERS = {
  root: { id: '0190a6e0-0000-7000-8000-000000000001', email: 'root@example.com', isRootAdmin: true, role: { id: 1, name: 'Admin' } },
  editor: { id: '0190a6e0-0000-7000-8000-000000000002', email: 'editor@example.com', isRootAdmin: false, role: { id: 2, name: 'Editor' } },
  viewer: { id: '0190a6e0-0000-7000-8000-000000000003', email: 'viewer@example.com', isRootAdmin: false, role: { id: 3, name: 'Viewer' } },
};

export async function expectHttpError(work: () => Promise<unknown>, status: number, message?: RegExp | string): Promise<HttpError> {
  let caught: unknown = null;
  try {
    await work();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an HttpError').toBeInstanceOf(HttpError);
  const err = caught as HttpError;
  expect(err.statusCode, err.message).toBe(status);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message) expect(err.message).toMatch(message);
  return err;
}

export const ids = (result: FindResult | unknown) => (result as FindResult).data.map((row) => row.id);
export const rows = (result: FindResult | unknown) => (result as FindResult).data as Row[];

export interface Warned {
  code: string;
  message: string;
}

/** A repository call as a script makes it: the request's `$query` and `$user`, main/secure or trusted; warnings collected. */
export function request(options: { query?: Record<string, unknown>; user?: unknown; enforce?: boolean } = {}): RepoCall & { warnings: Warned[] } {
  const warnings: Warned[] = [];
  return {
    query: options.query ?? {},
    user: options.user ?? null,
    enforce: options.enforce ?? false,
    warn: (code, message) => warnings.push({ code, message }),
    warnings,
  };
}

export interface Harness {
  readonly target: TestDatabase;
  db(): Database;
}

/** A seeded database for the enclosing describe: one shared by all its tests ('all') or a fresh one per test ('each'). */
export function useDatabase(target: TestDatabase, scope: 'all' | 'each'): Harness {
  let template: SqliteTemplate | undefined;
  let db: Database | undefined;
  const open = async () => {
    if (target.client === 'sqlite') {
      template ??= await createSqliteTemplate(conformanceFixtures);
      return template.open();
    }
    return openDatabase(target.config, { fixtures: conformanceFixtures, tablePrefix: uniqueTablePrefix() });
  };
  const close = async () => {
    if (!db) return;
    if (target.client !== 'sqlite') await dropTables(db);
    await db.close();
    db = undefined;
  };
  if (scope === 'all') {
    beforeAll(async () => {
      db = await open();
    });
    afterAll(close);
  } else {
    beforeEach(async () => {
      db = await open();
    });
    afterEach(close);
  }
  return {
    target,
    db: () => {
      if (!db) throw new Error('no database open');
      return db;
    },
  };
}

