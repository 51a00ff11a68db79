/** Human-readable output of a run: status line, data as JSON, warnings, logs. */
import type { Envelope } from '../context/envelope.ts';
import { RUNTIME_LOG_PREFIX } from '../sandbox/invocation.ts';
import { logEntryText } from '../shared/log-entry.ts';
import type { Colors } from '../shared/colors.ts';
import { formatWarning, type Warning } from '../shared/diagnostics.ts';
import { jsonText } from './json-text.ts';

export { colorsFor, type Colors } from '../shared/colors.ts';

export function formatEnvelope(hook: string, envelope: Envelope, c: Colors): string {
  const ok = envelope.statusCode < 400;
  const status = ok ? c.green(`${envelope.statusCode}`) : c.red(`${envelope.statusCode}`);
  const lines = [`${ok ? c.green('✔') : c.red('✖')} ${status} ${c.bold(hook)} ${c.dim(`(${envelope.durationMs} ms)`)}`];
  if (envelope.error) {
    lines.push(`${c.red(envelope.error.name)}: ${envelope.error.message}`);
    const details = envelope.error.details;
    const frame = (details as { codeFrame?: unknown } | null)?.codeFrame;
    if (typeof frame === 'string') lines.push(indent(frame));
    else if (details !== undefined && !(Array.isArray(details) && details.length === 0)) lines.push(c.bold('details:'), indent(jsonText(details, c)));
  } else {
    lines.push(c.bold('data:'), indent(jsonText(envelope.data, c)));
  }
  if (envelope.effects.length) lines.push(c.bold('effects:'), indent(jsonText(envelope.effects, c)));
  lines.push(...warningLines(envelope.warnings, c));
  if (envelope.logs.length) {
    lines.push(c.bold('logs:'));
    for (const entry of envelope.logs) {
      const line = logEntryText(entry);
      lines.push(indent(typeof entry === 'string' && line.startsWith(RUNTIME_LOG_PREFIX) ? c.yellow(line) : line));
    }
  }
  return lines.join('\n') + '\n';
}

/** One yellow line per warning, `warning: hooks/x.js:12:5: message [code]`, as editors and terminals link it. */
export function warningLines(warnings: readonly Warning[], c: Colors): string[] {
  return warnings.map((w) => c.yellow(`warning: ${formatWarning(w)}`));
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
