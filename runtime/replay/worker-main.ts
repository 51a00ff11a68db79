/**
 * A replay worker process: receives fixture files from the parent
 * (workers.ts), replays them with its own Replayer, sends results back.
 */
import { Replayer } from './replayer.ts';
import type { ParentMessage, WorkerMessage } from './worker-protocol.ts';
import { CoverageCollector } from '../debug/coverage.ts';
import { installIsolateInspector } from '../sandbox/inspector-hook.ts';

const send = (message: WorkerMessage) => process.send!(message);
let replayer: Promise<Replayer> | null = null;
let coverage: CoverageCollector | null = null;

// Ctrl-C reaches the whole process group, and the parent sends SIGTERM when its run is interrupted:
// either way, interrupt the fixtures running here (their locks are given back), close, and leave.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void (replayer ?? Promise.resolve(null))
      .then((r) => r?.close())
      .finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
  });
}

process.on('message', (message: ParentMessage) => {
  void handle(message).catch((err: unknown) => {
    send({ type: 'fatal', message: (err as Error)?.stack ?? String(err) });
    process.exitCode = 1;
    process.disconnect();
  });
});

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'init':
      if (message.coverage) {
        coverage = new CoverageCollector(message.cwd);
        installIsolateInspector(coverage);
      }
      replayer = Replayer.create(message);
      await replayer;
      send({ type: 'ready' });
      return;
    case 'run': {
      const result = await (await replayer!).replayFile(message.file, message.slot);
      send({ type: 'result', slot: message.slot, result });
      return;
    }
    case 'close':
      await (await replayer)?.close();
      // After the close: every isolate has handed over its counts.
      if (coverage) send({ type: 'coverage', data: await coverage.finish() });
      process.disconnect();
      return;
  }
}
