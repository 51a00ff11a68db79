import { loadConfig } from '../config/load.js';
import { resetDatabase } from '../repos/database.js';

export async function dbResetCommand(flags: { config?: string }): Promise<number> {
  const config = loadConfig({ configPath: flags.config });
  const summary = await resetDatabase(config.database);
  process.stdout.write(`${summary}\n`);
  return 0;
}
