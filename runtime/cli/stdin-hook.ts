/** `enfyra-run - < hook.js`: the hook's source from standard input. */
import { NotUtf8Error, decodeUtf8 } from '../shared/utf8.ts';
import { UsageError } from '../shared/usage-error.ts';

export const STDIN_HOOK = '-';
/** How the hook is named in reports and stack traces. */
export const STDIN_FILENAME = '<stdin>.js';

export async function readStdinHook(stdin: NodeJS.ReadStream = process.stdin): Promise<{ source: string; filename: string }> {
  if (stdin.isTTY) {
    throw new UsageError('"-" reads the hook from standard input: pipe or redirect one, like enfyra-run - < hooks/hello.js');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  let source: string;
  try {
    source = decodeUtf8(Buffer.concat(chunks));
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new UsageError(`the hook on standard input is ${err.message}`);
    throw err;
  }
  if (source.trim() === '') throw new UsageError('standard input held no hook (it was empty)');
  return { source, filename: STDIN_FILENAME };
}
