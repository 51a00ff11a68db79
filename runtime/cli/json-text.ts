/**
 * Data as the terminal shows it: JSON (so it can be pasted into a fixture),
 * indented, nothing cut, colored by token on a TTY. The text is exactly
 * JSON.stringify(value, null, 2), colors aside.
 */
import type { Colors } from '../shared/colors.ts';

// A string (then optionally the colon that makes it a key), a literal, or a number; strings first, so
// digits and words inside them are never taken for tokens of their own.
const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function jsonText(value: unknown, c: Colors): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (!c.isColorSupported) return text;
  return text.replace(TOKEN, (token, string: string | undefined, colon: string | undefined, literal: string | undefined) => {
    if (string !== undefined) return colon !== undefined ? `${c.cyan(string)}${colon}` : c.green(string);
    if (literal !== undefined) return literal === 'null' ? c.dim(literal) : c.magenta(literal);
    return c.yellow(token);
  });
}
