import { loadConfig } from '../config/load.ts';
import { Runtime } from '../runtime.ts';
import { exitCodeFor } from '../context/envelope.ts';
import { requestFromFlags, type RequestFlags } from './request-flags.ts';
import { colorsFor, formatEnvelope } from './output.ts';

export interface RunFlags extends RequestFlags {
  config?: string;
  json?: boolean;
  table?: string;
}

export async function runCommand(hook: string, flags: RunFlags): Promise<number> {
  const request = requestFromFlags(flags);
  const config = loadConfig({ configPath: flags.config });
  const runtime = await Runtime.create({ config });
  try {
    const envelope = await runtime.run(hook, request, { mainTable: flags.table });
    process.stdout.write(
      flags.json ? JSON.stringify(envelope) + '\n' : formatEnvelope(hook, envelope, colorsFor(process.stdout)),
    );
    return exitCodeFor(envelope);
  } finally {
    await runtime.close();
  }
}
