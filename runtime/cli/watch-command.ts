/**
 * `--watch` on `run` and `replay`: run, then run again whenever a file the
 * run depends on changes (the hook or the hooks folder, the fixtures, the
 * config, the schema and seed). The screen is cleared first on a terminal; an
 * error (a syntax error, a broken config) is shown and the watch goes on.
 * Ctrl-C stops it (exit 130).
 */
import { once } from 'node:events';
import path from 'node:path';
import { findConfig, loadConfig, type ResolvedConfig } from '../config/load.ts';
import { colorsFor } from '../shared/colors.ts';
import { watchForInterrupt } from './interrupt.ts';
import { reportFailure } from './report-failure.ts';
import { requestFromFlags } from './request-flags.ts';
import { runOnce, type RunFlags } from './run-command.ts';
import { replayOnce, prepareReportFile, type ReplayFlags } from './replay-command.ts';
import { STDIN_HOOK } from './stdin-hook.ts';
import { UsageError } from '../shared/usage-error.ts';

/** Changes closer together than this are one change (an editor saving several files, or writing one twice). */
const SETTLE_MS = 150;

export async function watchRun(hook: string, flags: RunFlags & { watch?: boolean }): Promise<number> {
  if (hook === STDIN_HOOK) throw new UsageError('--watch needs a hook file: standard input cannot be read again');
  const request = requestFromFlags(flags);
  return watchLoop({
    watched: () => [path.resolve(hook), ...configFiles(flags.config)],
    run: () => runOnce(hook, hook, request, flags, loadConfig({ configPath: flags.config })),
  });
}

export async function watchReplay(paths: string[], flags: ReplayFlags & { watch?: boolean }): Promise<number> {
  if (flags.out !== undefined) prepareReportFile(flags.out);
  return watchLoop({
    watched: () => {
      const files = configFiles(flags.config);
      const config = tryLoad(flags.config);
      if (config) files.push(config.hooksDir, config.fixturesDir);
      return [...files, ...paths.map((p) => path.resolve(p))];
    },
    run: () => replayOnce(paths, flags, loadConfig({ configPath: flags.config })),
  });
}

interface Loop {
  /** Absolute paths to watch (files or folders; ones that do not exist yet are watched for creation). */
  watched: () => string[];
  run: () => Promise<number>;
}

async function watchLoop(loop: Loop): Promise<number> {
  const { watch } = await import('chokidar');
  const c = colorsFor(process.stdout);
  const tty = Boolean(process.stdout.isTTY);
  let wake: (() => void) | null = null;
  let trigger: string | null = null;
  let changes = 0;
  let stopping = false;
  const watcher = watch([...new Set(loop.watched())], {
    ignoreInitial: true,
    ignored: (file: string) => /(^|[\\/])(node_modules|\.git|\.enfyra)([\\/]|$)/.test(file),
  });
  watcher.on('all', (_event, file) => {
    trigger ??= path.relative(process.cwd(), file) || file;
    changes++;
    wake?.();
  });
  await once(watcher, 'ready');
  const interrupt = watchForInterrupt({
    what: 'stopping the watch',
    stop: () => {
      stopping = true;
      wake?.();
    },
  });
  let code = 0;
  try {
    for (let round = 1; ; round++) {
      if (round > 1) {
        if (tty) process.stdout.write('\x1b[2J\x1b[3J\x1b[H');
        process.stderr.write(c.dim(`enfyra-run --watch: ${trigger ?? 'a file'} changed, running again\n`));
      }
      trigger = null;
      try {
        code = await loop.run();
      } catch (err) {
        code = reportFailure(err);
      }
      // Ctrl-C during the run ended it (exit 130): the watch ends too.
      if (code >= 128 || stopping) break;
      // The config may now name other folders.
      watcher.add(loop.watched());
      process.stderr.write(c.dim('enfyra-run --watch: watching for changes (Ctrl-C to stop)\n'));
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (stopping) break;
      await settle(() => changes);
    }
  } finally {
    await watcher.close();
    interrupt.dispose();
  }
  return interrupt.code ?? code;
}

/** Wait until no new change has come for SETTLE_MS. */
async function settle(count: () => number): Promise<void> {
  for (let before = count(); ; before = count()) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    if (count() === before) return;
  }
}

/** The config file and the schema and seed it names (or where a config would be found once created). */
function configFiles(configPath: string | undefined): string[] {
  const files: string[] = [];
  if (configPath !== undefined) files.push(path.resolve(configPath));
  else {
    const found = findConfig(process.cwd());
    files.push(found.file ?? path.join(found.root, 'enfyra.config.json'));
  }
  const config = tryLoad(configPath);
  if (config?.database.schema) files.push(config.database.schema);
  if (config?.database.seed) files.push(config.database.seed);
  return files;
}

function tryLoad(configPath: string | undefined): ResolvedConfig | null {
  try {
    return loadConfig({ configPath });
  } catch {
    return null; // the run reports it
  }
}
