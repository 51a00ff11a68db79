/**
 * Values that differ from one run of the same request to the next, turned
 * into replay matchers (docs/replay.md, "Expectations") when a request is recorded:
 *
 * - timestamps made during the request: ISO date-time text, or epoch
 *   milliseconds, within the request's time window → a pattern / a type;
 * - Enfyra correlation ids (`req_<ms>_<random>`), JWTs, UUIDs and long hex
 *   or base64url tokens that the starting state did not already hold, and
 *   the temp path of an upload (`$uploadedFile.path`) → a pattern;
 * - a file `$storage` stored during the request (its location or path ends
 *   in `<name>_<ms>_<12 hex><ext>`) → a pattern keeping the name and extension;
 * - the primary keys of rows the request created, under an `id` field → an
 *   integer (or string) type.
 *
 * Everything else is kept literally, so a change in output fails the replay.
 */
import { UNIQUE_SUFFIX_PATTERN } from '../../members/storage/storage-module.ts';
import { UPLOAD_TEMP_PATH_PATTERN } from '../../members/storage/uploaded-file.ts';

export interface VolatileContext {
  /** The request's time window, epoch ms (a little slack is added on both sides). */
  startedMs: number;
  endedMs: number;
  /** String values present before the request (starting state, request): they are data, not generated. */
  known: ReadonlySet<string>;
  /** Ids of rows the request created, as text. */
  createdIds: ReadonlySet<string>;
}

const SLACK_MS = 2000;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
export const PATTERNS = {
  isoDateTime: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
  correlationId: '^req_\\d+_[a-z0-9]+$',
  jwt: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  hex: '^[0-9a-fA-F]{32,}$',
  uploadPath: UPLOAD_TEMP_PATH_PATTERN,
} as const;
const TOKEN_TESTS: Array<[RegExp, string]> = [
  [/^req_\d{10,}_[a-z0-9]+$/, PATTERNS.correlationId],
  [/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, PATTERNS.jwt],
  [new RegExp(PATTERNS.uuid), PATTERNS.uuid],
  [new RegExp(PATTERNS.hex), PATTERNS.hex],
  [new RegExp(PATTERNS.uploadPath), PATTERNS.uploadPath],
];

/** A copy of `value` with volatile parts replaced by matchers. */
export function withMatchers(value: unknown, context: VolatileContext, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withMatchers(v, context));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withMatchers(v, context, k);
    return out;
  }
  if (key === 'id' && (typeof value === 'number' || typeof value === 'string') && context.createdIds.has(String(value))) {
    return { $type: typeof value === 'number' ? 'integer' : 'string' };
  }
  if (typeof value === 'string') return stringMatcher(value, context) ?? value;
  if (typeof value === 'number' && Number.isInteger(value) && inWindow(value, context)) return { $type: 'integer' };
  return value;
}

function stringMatcher(text: string, context: VolatileContext): unknown {
  if (ISO_DATETIME.test(text)) {
    const ms = Date.parse(text);
    return Number.isFinite(ms) && inWindow(ms, context) ? { $regex: PATTERNS.isoDateTime } : null;
  }
  if (context.known.has(text)) return null;
  for (const [test, pattern] of TOKEN_TESTS) if (test.test(text)) return { $regex: pattern };
  const stored = STORED_FILE.exec(text);
  if (stored && inWindow(Number(stored[3]), context)) {
    return { $regex: `(^|[\\\\/])${escapeRegex(stored[2]!)}${UNIQUE_SUFFIX_PATTERN}${escapeRegex(stored[4] ?? '')}$` };
  }
  return null;
}

/** A stored file's location or path: folders, its name, then uniqueFilename's suffix (ms in group 3) and the extension. */
const STORED_FILE = new RegExp(`^(.*[\\\\/])?([^\\\\/]*?)${UNIQUE_SUFFIX_PATTERN}(\\.[^.\\\\/]*)?$`);

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function inWindow(ms: number, context: VolatileContext): boolean {
  return ms >= context.startedMs - SLACK_MS && ms <= context.endedMs + SLACK_MS;
}

/** Every string inside `values` (object keys excluded). */
export function collectStrings(values: readonly unknown[], into: Set<string> = new Set()): Set<string> {
  const walk = (v: unknown): void => {
    if (typeof v === 'string') into.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  values.forEach(walk);
  return into;
}
