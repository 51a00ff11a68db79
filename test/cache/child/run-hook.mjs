// Runs one hook through the runtime (from source) in its own OS process and
// prints its envelope as one JSON line. argv: <config JSON> <hook path> <params JSON>
import { createRuntime } from '../../../runtime/index.ts';

const [configJson, hook, paramsJson] = process.argv.slice(2);
const runtime = await createRuntime({ config: JSON.parse(configJson), env: {} });
try {
  const envelope = await runtime.run(hook, { params: JSON.parse(paramsJson ?? '{}') });
  process.stdout.write(`${JSON.stringify(envelope)}\n`);
} finally {
  await runtime.close();
}
