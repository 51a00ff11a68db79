// A program using the API the way a user might: create a runtime, run a hook, print the result, and end
// without calling runtime.close() (argv[4] === 'close': calls it, at top level, then names on stderr whatever
// still holds the process open besides the standard streams).
// argv: config JSON, hook source, 'close' | 'no-close'. Runs from source (Node strips the types).
import { createRuntime } from '../../../runtime/index.ts';

const [config, source, close] = process.argv.slice(2);
const runtime = await createRuntime({ config: JSON.parse(config), cwd: process.cwd(), env: {} });
const envelope = await runtime.run({ source });
process.stdout.write(JSON.stringify({ statusCode: envelope.statusCode, data: envelope.data, error: envelope.error }) + '\n');
if (close === 'close') {
  await runtime.close();
  const held = process.getActiveResourcesInfo().filter((resource) => resource !== 'PipeWrap' && resource !== 'TTYWrap');
  if (held.length > 0) process.stderr.write(`still held after close: ${held.join(', ')}\n`);
}
