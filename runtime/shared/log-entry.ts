/** A log entry (a JSON value, see context/envelope.ts) as one line of text: strings as they are, the rest as JSON. */
export function logEntryText(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  try {
    return JSON.stringify(entry) ?? String(entry);
  } catch {
    return String(entry);
  }
}

/** Whether some entry, as text, contains `text` (a fixture's `logsContain`). */
export function someLogContains(logs: readonly unknown[], text: string): boolean {
  return logs.some((entry) => logEntryText(entry).includes(text));
}
