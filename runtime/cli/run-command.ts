/** `enfyra-run <hook>`: one hook, one request, the envelope on stdout. */
import { ConfigError, loadConfig, type ResolvedConfig } from '../config/load.ts';
import { Runtime, type HookTarget } from '../runtime.ts';
import { exitCodeFor, type Envelope } from '../context/envelope.ts';
import { formatWarning } from '../shared/diagnostics.ts';
import { requestFromFlags, type RequestFlags } from './request-flags.ts';
import { colorsFor, formatEnvelope } from './output.ts';
import { watchForInterrupt } from './interrupt.ts';
import { readStdinHook, STDIN_FILENAME, STDIN_HOOK } from './stdin-hook.ts';
import type { HookRequest } from '../context/request.ts';

export interface RunFlags extends RequestFlags {
  config?: string;
  json?: boolean;
  table?: string;
  strict?: boolean;
}

export async function runCommand(hook: string, flags: RunFlags): Promise<number> {
  const request = requestFromFlags(flags);
  const config = loadConfig({ configPath: flags.config });
  const target: HookTarget = hook === STDIN_HOOK ? await readStdinHook() : hook;
  return runOnce(hook === STDIN_HOOK ? STDIN_FILENAME : hook, target, request, flags, config);
}

/** One run with its own runtime (opened and closed around it), Ctrl-C handled. */
export async function runOnce(
  label: string,
  target: HookTarget,
  request: HookRequest,
  flags: RunFlags,
  config: ResolvedConfig,
): Promise<number> {
  const runtime = await Runtime.create({ config });
  const interrupt = watchForInterrupt({
    what: 'stopping the hook, giving back the locks it holds, closing connections',
    stop: () => runtime.close(),
  });
  try {
    const strict = flags.strict ?? config.compat.strict;
    const envelope = await runtime.run(target, request, { mainTable: flags.table, strict });
    if (interrupt.code !== null) return interrupt.code;
    // A configuration problem a $ctx member met (the database does not match the schema): exit 2, one line.
    if (envelope.error?.name === 'ConfigError') throw new ConfigError(envelope.error.message);
    process.stdout.write(flags.json ? JSON.stringify(envelope) + '\n' : formatEnvelope(label, envelope, colorsFor(process.stdout)));
    return strictExitCode(envelope, strict);
  } finally {
    await runtime.close();
    await interrupt.stopped;
    interrupt.dispose();
  }
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
