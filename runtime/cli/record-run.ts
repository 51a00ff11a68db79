/** `enfyra-run run <hook> --record <dir>`: the run, written as a replayable fixture naming the hook. */
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.ts';
import type { Envelope } from '../context/envelope.ts';
import type { HookRequest } from '../context/request.ts';
import { Recorder } from '../server/recording/recorder.ts';
import { ServedProject } from '../server/served-project.ts';

export async function recordRun(hook: string, request: HookRequest, config: ResolvedConfig, dir: string, table: string | undefined): Promise<Envelope> {
  const recorder = new Recorder({ dir: path.resolve(dir), root: config.root });
  const project = await ServedProject.open({ config, trackReads: true });
  try {
    const outcome = await project.runHook(hook, request, { mainTable: table });
    const file = recorder.recordHook(hook, request, outcome);
    process.stderr.write(`enfyra-run: recorded → ${path.relative(process.cwd(), file)}\n`);
    return outcome.envelope;
  } finally {
    await project.close();
  }
}
