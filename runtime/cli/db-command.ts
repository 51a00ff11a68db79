import { loadConfig } from '../config/load.ts';
import { resetDatabase } from '../repos/database.ts';

export async function dbResetCommand(flags: { config?: string }): Promise<number> {
  const config = loadConfig({ configPath: flags.config });
  const { tables, rows, location } = await resetDatabase(config.database);
  process.stdout.write(`database reset: ${tables} table${tables === 1 ? '' : 's'}, ${rows} seed row${rows === 1 ? '' : 's'} (${location})\n`);
  return 0;
}
