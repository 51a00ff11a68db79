/** How a command that threw ends: one line on stderr and the exit code of the contract (DESIGN §4). */
import { CommanderError } from 'commander';
import { ConfigError } from '../config/load.ts';
import { HookFileError } from '../compile/hook-loader.ts';
import { UsageError } from '../shared/usage-error.ts';

export function reportFailure(err: unknown, stderr: { write(text: string): unknown } = process.stderr): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here too.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    stderr.write(`enfyra-run: ${oneLine(err.message.replace(/^error: /, ''))} (see enfyra-run --help)\n`);
    return 2;
  }
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof HookFileError) {
    stderr.write(`enfyra-run: ${oneLine(err.message)}\n`);
    return 2;
  }
  stderr.write(`enfyra-run: internal error: ${oneLine((err as Error)?.stack ?? String(err))}\n`);
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
