import { loadConfig } from '../config/load.ts';
import { Runtime } from '../runtime.ts';
import { exitCodeFor, type Envelope } from '../context/envelope.ts';
import { requestFromFlags, type RequestFlags } from './request-flags.ts';
import { colorsFor, formatEnvelope } from './output.ts';

export interface RunFlags extends RequestFlags {
  config?: string;
  json?: boolean;
  table?: string;
  record?: string;
}

export async function runCommand(hook: string, flags: RunFlags): Promise<number> {
  const request = requestFromFlags(flags);
  const config = loadConfig({ configPath: flags.config });
  if (flags.record) {
    const { recordRun } = await import('./record-run.ts');
    const envelope = await recordRun(hook, request, config, flags.record, flags.table);
    print(hook, envelope, flags.json);
    return exitCodeFor(envelope);
  }
  const runtime = await Runtime.create({ config });
  try {
    const envelope = await runtime.run(hook, request, { mainTable: flags.table });
    print(hook, envelope, flags.json);
    return exitCodeFor(envelope);
  } finally {
    await runtime.close();
  }
}

function print(hook: string, envelope: Envelope, json: boolean | undefined): void {
  process.stdout.write(json ? JSON.stringify(envelope) + '\n' : formatEnvelope(hook, envelope, colorsFor(process.stdout)));
}
