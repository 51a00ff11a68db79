/** Human-readable output of a run. */
import { inspect } from 'node:util';
import type { Envelope } from '../context/envelope.ts';
import type { Colors } from '../shared/colors.ts';

export { colorsFor, type Colors } from '../shared/colors.ts';

export function formatEnvelope(hook: string, envelope: Envelope, c: Colors): string {
  const ok = envelope.statusCode < 400;
  const status = ok ? c.green(`${envelope.statusCode}`) : c.red(`${envelope.statusCode}`);
  const lines = [`${ok ? c.green('✔') : c.red('✖')} ${status} ${c.bold(hook)} ${c.dim(`(${envelope.durationMs} ms)`)}`];
  if (envelope.error) {
    lines.push(`${c.red(envelope.error.name)}: ${envelope.error.message}`);
    if (envelope.error.details?.length) lines.push(c.dim(`details: ${JSON.stringify(envelope.error.details)}`));
  } else {
    lines.push(c.bold('data:'));
    lines.push(indent(inspect(envelope.data, { depth: 8, colors: c.isColorSupported, breakLength: 100 })));
  }
  if (envelope.logs.length) {
    lines.push(c.bold('logs:'));
    for (const line of envelope.logs) lines.push(indent(line.startsWith('[enfyra-run]') ? c.yellow(line) : line));
  }
  return lines.join('\n') + '\n';
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
