/**
 * The run flags for the members: --file (a multipart upload), --kind, --event,
 * --args, --out (where a `$res.stream` body goes). Mistakes are UsageErrors
 * naming the flag.
 */
import { KIND_OF_OPTION, misplacedKindOption } from '../members/kinds/for-kind.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Envelope } from '../context/envelope.ts';
import type { HookRequest } from '../context/request.ts';
import { streamedBody } from '../members/res/res-module.ts';
import { prepareUpload, UnexpectedFieldError, UPLOAD_METHODS, type PreparedUpload } from '../members/storage/uploaded-file.ts';
import { SCRIPT_KINDS, type ScriptKind } from '../shared/ctx-members.ts';
import { jsonOrFile } from './request-flags.ts';
import { UsageError } from './usage-error.ts';

export interface MemberFlags {
  file?: string;
  kind?: string;
  event?: string;
  args?: string;
  out?: string;
}

export function kindFromFlags(flags: MemberFlags): ScriptKind {
  if (flags.kind !== undefined && !(SCRIPT_KINDS as readonly string[]).includes(flags.kind)) {
    throw new UsageError(`--kind must be one of ${SCRIPT_KINDS.join(', ')} (got "${flags.kind}")`);
  }
  const kind = (flags.kind ?? 'handler') as ScriptKind;
  const misplaced = misplacedKindOption(kind, flags);
  if (misplaced) throw new UsageError(`--${misplaced} needs --kind ${KIND_OF_OPTION[misplaced]}`);
  return kind;
}

export function argsFromFlags(flags: MemberFlags, cwd = process.cwd()): unknown {
  return flags.args === undefined ? undefined : jsonOrFile('--args', flags.args, cwd).value;
}

/** The outcome of an upload Enfyra's middleware rejects before any script runs. */
export type UploadResult = { upload: PreparedUpload } | { rejected: Envelope } | null;

/** `--file path[:fieldname]`: copies the file the way multer stores an upload (POST and PATCH only). */
export function uploadFromFlags(flags: MemberFlags, request: HookRequest, cwd = process.cwd()): UploadResult {
  if (flags.file === undefined) return null;
  const method = request.method ?? 'GET';
  if (!UPLOAD_METHODS.has(method)) throw new UsageError(`--file needs --method POST or PATCH (Enfyra reads uploads only on those; got ${method})`);
  const match = /^(.*):([A-Za-z_][\w-]*)$/.exec(flags.file);
  const [file, field] = match && match[1] ? [match[1], match[2]!] : [flags.file, undefined];
  try {
    return { upload: prepareUpload(path.resolve(cwd, file), field) };
  } catch (err) {
    if (err instanceof UnexpectedFieldError) {
      return {
        rejected: {
          statusCode: 500,
          data: null,
          error: { statusCode: 500, message: `${err.message} (field "${err.field}": Enfyra reads the upload from the field "file")`, name: err.name },
          logs: [],
          warnings: [],
          effects: [],
          durationMs: 0,
        },
      };
    }
    throw new UsageError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * A streamed body goes to --out, or to stdout in place of the summary (which then goes to stderr);
 * with --json and no --out it is left out (the envelope still has its byte count).
 */
export function writeStreamedBody(envelope: Envelope, flags: MemberFlags & { json?: boolean }, cwd = process.cwd()): 'file' | 'stdout' | null {
  const streamed = streamedBody(envelope);
  if (!streamed) return null;
  if (flags.out !== undefined) {
    writeFileSync(path.resolve(cwd, flags.out), streamed.body);
    return 'file';
  }
  if (flags.json) return null;
  process.stdout.write(streamed.body);
  return 'stdout';
}
