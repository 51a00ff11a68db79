import { loadConfig } from '../config/load.ts';
import { resetDatabase } from '../repos/database.ts';

export async function dbResetCommand(flags: { config?: string }): Promise<number> {
  const config = loadConfig({ configPath: flags.config });
  const summary = await resetDatabase(config.database);
  process.stdout.write(`${summary}\n`);
  return 0;
}
