/**
 * The repository conformance suite: one set of expectations — Enfyra's
 * behaviour, checked against its server and kernel sources — run against
 * every dialect (sqlite.test.ts, postgres.test.ts, mariadb.test.ts). Blocks
 * that only read share one seeded database; blocks that write get a fresh
 * one per test.
 */
import { describe } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { describeAccess } from './conformance-access.ts';
import { describeFilters } from './conformance-filters.ts';
import { describeReads } from './conformance-reads.ts';
import { describeTransactionsAndSafety } from './conformance-safety.ts';
import { describeWrites } from './conformance-writes.ts';

export { conformanceFixtures, expectHttpError } from './conformance-support.ts';

export function describeRepositoryConformance(target: TestDatabase): void {
  const title = `repositories on ${target.label}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`;
  describe.skipIf(target.skipReason !== null)(title, () => {
    describeReads(target);
    describeFilters(target);
    describeWrites(target);
    describeAccess(target);
    describeTransactionsAndSafety(target);
  });
}
