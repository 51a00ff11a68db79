/**
 * `enfyra-run dev`: serves the project's routes over HTTP until SIGINT or
 * SIGTERM, then finishes the requests in flight, releases the locks scripts
 * still hold, closes the cache and database, and exits 0 with one line.
 */
import path from 'node:path';
import { DevServer } from '../server/dev-server.ts';
import { INSPECTOR_PATH } from '../server/app.ts';
import { Recorder } from '../server/recording/recorder.ts';
import { loadConfig } from '../config/load.ts';
import { UsageError } from './usage-error.ts';

export interface DevFlags {
  port?: number;
  host?: string;
  config?: string;
  record?: string;
}

/** Enfyra's own default port. */
export const DEFAULT_PORT = 1105;

export async function devCommand(flags: DevFlags): Promise<number> {
  const cwd = process.cwd();
  const log = (line: string) => process.stderr.write(`enfyra-run dev: ${line}\n`);
  const recorder = flags.record ? new Recorder({ dir: path.resolve(cwd, flags.record), root: loadConfig({ configPath: flags.config, cwd }).root }) : null;
  let server: DevServer;
  try {
    server = await DevServer.start({ configPath: flags.config, cwd, port: flags.port ?? DEFAULT_PORT, host: flags.host, recorder, log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${flags.port ?? DEFAULT_PORT} is already in use (choose another with --port)`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on port ${flags.port ?? DEFAULT_PORT} (choose another with --port)`);
    throw err;
  }
  const routes = server.currentProject?.routes.routes.length ?? 0;
  process.stdout.write(
    `enfyra-run dev: serving ${routes} route${routes === 1 ? '' : 's'} on ${server.url} (inspector: ${server.url}${INSPECTOR_PATH})` +
      (recorder ? `, recording to ${path.relative(cwd, recorder.dir) || '.'}` : '') +
      '\n',
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`enfyra-run dev: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      void server.stop().then(
        ({ finished, locksReleased }) => {
          process.stdout.write(
            `enfyra-run dev: stopped (${finished} request${finished === 1 ? '' : 's'} served, ${locksReleased} held lock${locksReleased === 1 ? '' : 's'} released)\n`,
          );
          resolve(0);
        },
        (err: unknown) => {
          process.stderr.write(`enfyra-run dev: stopping failed: ${(err as Error)?.message ?? String(err)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
