import { loadConfig } from '../config/load.ts';
import { Runtime } from '../runtime.ts';
import { exitCodeFor } from '../context/envelope.ts';
import { requestFromFlags, type RequestFlags } from './request-flags.ts';
import { colorsFor, formatEnvelope } from './output.ts';
import { argsFromFlags, kindFromFlags, uploadFromFlags, writeStreamedBody, type MemberFlags } from './member-flags.ts';
import type { Envelope } from '../context/envelope.ts';

export interface RunFlags extends RequestFlags, MemberFlags {
  config?: string;
  json?: boolean;
  table?: string;
  record?: string;
}

export async function runCommand(hook: string, flags: RunFlags): Promise<number> {
  const request = requestFromFlags(flags);
  const kind = kindFromFlags(flags);
  const args = argsFromFlags(flags);
  const config = loadConfig({ configPath: flags.config });
  const upload = uploadFromFlags(flags, request);
  if (upload && 'rejected' in upload) return report(hook, upload.rejected, flags);
  if (upload) request.file = upload.upload.file;
  if (flags.record) {
    try {
      const { recordRun } = await import('./record-run.ts');
      return report(hook, await recordRun(hook, request, config, flags.record, flags.table), flags);
    } finally {
      upload?.upload.cleanup();
    }
  }
  const runtime = await Runtime.create({ config });
  try {
    const envelope =
      flags.kind === undefined
        ? await runtime.run(hook, request, { mainTable: flags.table })
        : await runtime.runKind(hook, kind, request, { mainTable: flags.table, event: flags.event, args });
    return report(hook, envelope, flags);
  } finally {
    upload?.upload.cleanup();
    await runtime.close();
  }
}

function report(hook: string, envelope: Envelope, flags: RunFlags): number {
  const body = writeStreamedBody(envelope, flags);
  // The streamed body took stdout: the summary goes to stderr.
  const out = body === 'stdout' ? process.stderr : process.stdout;
  out.write(flags.json ? JSON.stringify(envelope) + '\n' : formatEnvelope(hook, envelope, colorsFor(out)));
  return exitCodeFor(envelope);
}
