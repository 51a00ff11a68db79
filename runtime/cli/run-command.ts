/** `enfyra-run <hook>`: one hook, one request, the envelope on stdout. */
import { ConfigError, loadConfig, type ResolvedConfig } from '../config/load.ts';
import { Runtime, type HookTarget } from '../runtime.ts';
import { exitCodeFor, type Envelope } from '../context/envelope.ts';
import type { HookRequest } from '../context/request.ts';
import { formatWarning } from '../shared/diagnostics.ts';
import { UsageError } from '../shared/usage-error.ts';
import { requestFromFlags, type RequestFlags } from './request-flags.ts';
import { colorsFor, formatEnvelope } from './output.ts';
import { watchForInterrupt } from './interrupt.ts';
import { readStdinHook, STDIN_FILENAME, STDIN_HOOK } from './stdin-hook.ts';
import type { DebugFlags } from './debug-flags.ts';
import { argsFromFlags, kindFromFlags, uploadFromFlags, writeStreamedBody, type MemberFlags } from './member-flags.ts';

export interface RunFlags extends RequestFlags, MemberFlags, DebugFlags {
  config?: string;
  json?: boolean;
  table?: string;
  strict?: boolean;
  record?: string;
}

export async function runCommand(hook: string, flags: RunFlags): Promise<number> {
  const request = requestFromFlags(flags);
  const config = loadConfig({ configPath: flags.config });
  const target: HookTarget = hook === STDIN_HOOK ? await readStdinHook() : hook;
  const label = hook === STDIN_HOOK ? STDIN_FILENAME : hook;
  if (flags.inspect === undefined && flags.inspectBrk === undefined && flags.coverage === undefined) return runOnce(label, target, request, flags, config);
  if (flags.record) throw new UsageError('--record cannot be combined with --inspect or --coverage');
  const { startDebugging } = await import('./debug-flags.ts');
  const debugging = await startDebugging(flags, config, { cwd: process.cwd(), title: label });
  try {
    return await runOnce(label, target, request, flags, debugging!.config);
  } finally {
    // The runtime is closed by now: its isolates have handed over their coverage.
    await debugging!.finish(process.stderr);
  }
}

/** One run with its own runtime (opened and closed around it), Ctrl-C handled. */
export async function runOnce(
  label: string,
  target: HookTarget,
  request: HookRequest,
  flags: RunFlags,
  config: ResolvedConfig,
): Promise<number> {
  const kind = kindFromFlags(flags);
  const args = argsFromFlags(flags);
  const strict = flags.strict ?? config.compat.strict;
  const upload = uploadFromFlags(flags, request);
  if (upload && 'rejected' in upload) return report(label, upload.rejected, flags, strict);
  if (upload) request.file = upload.upload.file;
  if (flags.record) {
    try {
      if (typeof target !== 'string') throw new UsageError('--record needs a hook file (a hook from standard input has no file to name in the fixture)');
      const { recordRun } = await import('./record-run.ts');
      return report(label, await recordRun(target, request, config, flags.record, flags.table), flags, strict);
    } finally {
      upload?.upload.cleanup();
    }
  }
  const runtime = await Runtime.create({ config });
  const interrupt = watchForInterrupt({
    what: 'stopping the hook, giving back the locks it holds, closing connections',
    stop: () => runtime.close(),
  });
  try {
    const options = { mainTable: flags.table, strict };
    const envelope =
      flags.kind === undefined
        ? await runtime.run(target, request, options)
        : await runtime.runKind(target, kind, request, { ...options, event: flags.event, args });
    if (interrupt.code !== null) return interrupt.code;
    // A configuration problem a $ctx member met (the database does not match the schema): exit 2, one line.
    if (envelope.error?.name === 'ConfigError') throw new ConfigError(envelope.error.message);
    return report(label, envelope, flags, strict);
  } finally {
    upload?.upload.cleanup();
    await runtime.close();
    await interrupt.stopped;
    interrupt.dispose();
  }
}

function report(label: string, envelope: Envelope, flags: RunFlags, strict: boolean): number {
  const body = writeStreamedBody(envelope, flags);
  // The streamed body took stdout: the summary goes to stderr.
  const out = body === 'stdout' ? process.stderr : process.stdout;
  out.write(flags.json ? JSON.stringify(envelope) + '\n' : formatEnvelope(label, envelope, colorsFor(out)));
  return strictExitCode(envelope, strict);
}

/** Under --strict a run with warnings fails (exit 1), whatever its status; the reason goes to stderr. */
export function strictExitCode(envelope: Envelope, strict: boolean): number {
  const code = exitCodeFor(envelope);
  if (!strict || code !== 0 || envelope.warnings.length === 0) return code;
  const [first] = envelope.warnings;
  const more = envelope.warnings.length > 1 ? ` (and ${envelope.warnings.length - 1} more)` : '';
  process.stderr.write(`enfyra-run: --strict: a warning fails the run: ${formatWarning(first!)}${more}\n`);
  return 1;
}
