/** A log entry (a JSON value, see context/envelope.ts) as one line of text: strings as they are, the rest as JSON. */
export function logEntryText(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  try {
    return JSON.stringify(entry) ?? String(entry);
  } catch {
    return String(entry);
  }
}
