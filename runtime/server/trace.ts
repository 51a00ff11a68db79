/**
 * What the dev server knows about one request after answering it: the
 * inspector lists these, recording turns them into fixtures. Plain JSON.
 */
import type { Effect, Warning } from '../shared/diagnostics.ts';
import type { ChainPhase } from '../runtime.ts';
import type { Row } from '../repos/repository.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';

export interface TraceStep {
  phase: ChainPhase;
  index: number;
  /** The hook's name (route file record) or what it is (`GET handler`, `default GET handler`). */
  name: string;
  file: string;
  durationMs: number;
  ok: boolean;
  /** The script returned a value (a pre-hook's value answers the request). */
  returned: boolean;
  error?: { name: string; message: string; statusCode: number | null };
}

export interface TraceError {
  statusCode: number;
  code: string;
  message: string | readonly string[];
  details?: unknown;
  /** Where the script failed, when known, and the lines around it. */
  location?: { file: string; line: number; column?: number };
  codeFrame?: string;
}

export interface TraceCacheChange {
  key: string;
  before: { value: unknown; ttlMs: number | null } | null;
  after: { value: unknown; ttlMs: number | null } | null;
}

export interface TraceRowChange {
  table: string;
  id: string;
  before: Row | null;
  after: Row | null;
}

export interface RequestTrace {
  id: number;
  startedAt: string;
  method: string;
  url: string;
  /** The matched route's path, or null. */
  route: string | null;
  status: number;
  durationMs: number;
  userId: string | number | null;
  /** `file`: the multipart upload (`$uploadedFile`), when there was one. */
  request: { headers: Record<string, string>; query: unknown; body: unknown; file?: UploadedFile };
  response: unknown;
  steps: TraceStep[];
  logs: unknown[];
  warnings: Warning[];
  effects: Effect[];
  error: TraceError | null;
  cache: TraceCacheChange[];
  tables: TraceRowChange[];
}

let nextId = 1;

export function nextTraceId(): number {
  return nextId++;
}
