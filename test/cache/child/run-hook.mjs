// Runs one hook through the built runtime (dist/) in its own OS process and
// prints its envelope as one JSON line. argv: <config JSON> <hook path> <params JSON>
import { createRuntime } from '../../../dist/runtime/index.js';

const [configJson, hook, paramsJson] = process.argv.slice(2);
const runtime = await createRuntime({ config: JSON.parse(configJson), env: {} });
try {
  const envelope = await runtime.run(hook, { params: JSON.parse(paramsJson ?? '{}') });
  process.stdout.write(`${JSON.stringify(envelope)}\n`);
} finally {
  await runtime.close();
}
