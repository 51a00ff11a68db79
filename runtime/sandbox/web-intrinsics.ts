/**
 * Host half of the isolate's URL and URLSearchParams (isolate/web-globals.ts): parsing by Node's WHATWG
 * implementation, so a script sees the same URLs as anywhere else. Plain strings in, plain records out.
 */
import { URL_PARTS, URL_SETTABLE_PARTS, type UrlRecord } from './protocol.ts';

const SETTABLE: ReadonlySet<string> = new Set(URL_SETTABLE_PARTS);

function record(url: URL): UrlRecord {
  const out = {} as UrlRecord;
  for (const part of URL_PARTS) out[part] = url[part];
  return out;
}

function parse(input: unknown, base: unknown): URL {
  try {
    return base === null ? new URL(String(input)) : new URL(String(input), String(base));
  } catch {
    throw new TypeError(`Invalid URL: ${String(input)}`);
  }
}

export function webIntrinsic(name: string, args: readonly unknown[]): unknown {
  switch (name) {
    case 'url':
      return record(parse(args[0], args[1] ?? null));
    case 'urlSet': {
      const url = parse(args[0], null);
      const part = String(args[1]);
      if (!SETTABLE.has(part)) throw new TypeError(`URL has no settable part ${part}`);
      (url as unknown as Record<string, string>)[part] = String(args[2]);
      return record(url);
    }
    case 'query':
      return [...new URLSearchParams(String(args[0]))];
    default:
      throw new TypeError(`unknown intrinsic ${name}`);
  }
}
