/** Values in failure reports: one line of JSON, long ones cut in the middle. */
import { inlineJson } from '../json-format.ts';

const MAX_CHARS = 400;

export function formatValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = inlineJson(value);
  return text.length <= MAX_CHARS ? text : `${text.slice(0, MAX_CHARS / 2)} … ${text.slice(-MAX_CHARS / 4)} (${text.length} chars)`;
}
