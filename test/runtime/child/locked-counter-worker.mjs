// One OS process of the multi-process lock test: runs the locked-counter hook
// ITERATIONS times through the runtime (from source), against the cache the
// config (and REDIS_URL) selects. Prints one JSON line.
import { createRuntime } from '../../../runtime/index.ts';

const [worker, iterations, configJson] = process.argv.slice(2);
const runtime = await createRuntime({ config: JSON.parse(configJson), env: process.env });
let failures = 0;
for (let i = 0; i < Number(iterations); i++) {
  const envelope = await runtime.run(new URL('../../hooks/locked-counter.js', import.meta.url).pathname, {
    params: { worker, iteration: String(i) },
  });
  if (envelope.statusCode !== 200) {
    failures++;
    process.stderr.write(JSON.stringify(envelope.error) + '\n');
  }
}
await runtime.close();
process.stdout.write(JSON.stringify({ worker, failures }) + '\n');
