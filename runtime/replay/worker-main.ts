/**
 * A replay worker process: receives fixture files from the parent
 * (workers.ts), replays them with its own Replayer, sends results back.
 */
import { Replayer } from './replayer.ts';
import type { ParentMessage, WorkerMessage } from './worker-protocol.ts';

const send = (message: WorkerMessage) => process.send!(message);
let replayer: Promise<Replayer> | null = null;

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
      process.disconnect();
      return;
  }
}
