/** Lines of a script, split where JavaScript and TypeScript end a line. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}
