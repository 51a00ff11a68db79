/**
 * The web globals Enfyra's worker defines for scripts (K:WST:227-339): `URL`, `URLSearchParams`,
 * `TextEncoder`, `TextDecoder`. V8 alone has none of them. URL parsing is WHATWG's and long, so it
 * is Node's: the isolate asks the host through `intrinsic` (the host's half is ../web-intrinsics.ts);
 * the rest is small and runs in the isolate.
 */
import { URL_SETTABLE_PARTS, type UrlRecord, type WebIntrinsicName, type WebIntrinsics } from '../protocol.ts';

/** Asks the host for a web intrinsic; throws the host's error (an invalid URL) as the script's. */
export type AskIntrinsic = <N extends WebIntrinsicName>(name: N, args: Parameters<WebIntrinsics[N]>) => ReturnType<WebIntrinsics[N]>;

export type WebGlobals = ReturnType<typeof makeWebGlobals>;

export function installWebGlobals(g: typeof globalThis, intrinsic: AskIntrinsic): void {
  const made = makeWebGlobals(intrinsic);
  for (const [name, value] of [['URL', made.URL], ['URLSearchParams', made.URLSearchParams], ['TextEncoder', made.TextEncoder], ['TextDecoder', made.TextDecoder]] as const) {
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

function makeWebGlobals(intrinsic: AskIntrinsic) {
  const StringCtor = String;
  const TypeErrorCtor = TypeError;
  const Uint8ArrayCtor = Uint8Array;
  const WeakMapCtor = WeakMap;
  const encodeURIComponentFn = encodeURIComponent;

  // ---- URLSearchParams -------------------------------------------------------
  /** A params object's pairs, and the URL it belongs to (its `search` follows every change). */
  const paramsState = new WeakMapCtor<object, { list: Array<[string, string]>; url: object | null }>();
  const urlState = new WeakMapCtor<object, { record: UrlRecord; params: object | null }>();

  function formEncode(text: string): string {
    return encodeURIComponentFn(text.toWellFormed())
      .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%20/g, '+');
  }

  function serialize(list: Array<[string, string]>): string {
    let out = '';
    for (let i = 0; i < list.length; i++) out += (i ? '&' : '') + formEncode(list[i]![0]) + '=' + formEncode(list[i]![1]);
    return out;
  }

  function parseQuery(text: string): Array<[string, string]> {
    return text === '' ? [] : intrinsic('query', [text]);
  }

  /** The state behind `self`, one of ours; a method called on anything else is an illegal invocation. */
  function stateOf<T>(states: WeakMap<object, T>, self: object): T {
    const state = states.get(self);
    if (!state) throw new TypeErrorCtor('Illegal invocation');
    return state;
  }

  const params = (self: object) => stateOf(paramsState, self);

  /** A change to a URL's params rewrites its query. */
  function changed(self: object): void {
    const state = params(self);
    if (state.url === null) return;
    const url = urlState.get(state.url)!;
    const query = serialize(state.list);
    url.record = intrinsic('urlSet', [url.record.href, 'search', query]);
  }

  class URLSearchParams {
    constructor(init?: unknown) {
      let list: Array<[string, string]> = [];
      if (init !== undefined && init !== null && typeof init === 'object') {
        if (typeof (init as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
          for (const pair of init as Iterable<unknown[]>) {
            const p = [...pair];
            if (p.length !== 2) throw new TypeErrorCtor("Failed to construct 'URLSearchParams': Each query pair must be an iterable [name, value] tuple");
            list.push([StringCtor(p[0]), StringCtor(p[1])]);
          }
        } else {
          for (const key of Object.keys(init)) list.push([key, StringCtor((init as Record<string, unknown>)[key])]);
        }
      } else if (init !== undefined) {
        const text = StringCtor(init);
        list = parseQuery(text[0] === '?' ? text.slice(1) : text);
      }
      paramsState.set(this, { list, url: null });
    }
    get size(): number { return params(this).list.length; }
    append(name: unknown, value: unknown): void { params(this).list.push([StringCtor(name), StringCtor(value)]); changed(this); }
    delete(name: unknown, value?: unknown): void {
      const state = params(this);
      const n = StringCtor(name);
      const v = value === undefined ? undefined : StringCtor(value);
      state.list = state.list.filter((p) => !(p[0] === n && (v === undefined || p[1] === v)));
      changed(this);
    }
    get(name: unknown): string | null {
      const n = StringCtor(name);
      const found = params(this).list.find((p) => p[0] === n);
      return found ? found[1] : null;
    }
    getAll(name: unknown): string[] { const n = StringCtor(name); return params(this).list.filter((p) => p[0] === n).map((p) => p[1]); }
    has(name: unknown, value?: unknown): boolean {
      const n = StringCtor(name);
      const v = value === undefined ? undefined : StringCtor(value);
      return params(this).list.some((p) => p[0] === n && (v === undefined || p[1] === v));
    }
    set(name: unknown, value: unknown): void {
      const state = params(this);
      const n = StringCtor(name);
      const v = StringCtor(value);
      const at = state.list.findIndex((p) => p[0] === n);
      if (at === -1) state.list.push([n, v]);
      else state.list = state.list.filter((p, i) => i === at || p[0] !== n).map((p, i) => (i === at ? [n, v] : p));
      changed(this);
    }
    sort(): void {
      const state = params(this);
      // Stable, by UTF-16 code units, as the standard says.
      state.list = state.list.map((p, i) => [p, i] as const).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map((e) => e[0]);
      changed(this);
    }
    forEach(fn: (value: string, name: string, self: URLSearchParams) => void, thisArg?: unknown): void {
      for (const [n, v] of params(this).list) fn.call(thisArg, v, n, this);
    }
    *entries(): IterableIterator<[string, string]> { for (const [n, v] of params(this).list) yield [n, v]; }
    *keys(): IterableIterator<string> { for (const p of params(this).list) yield p[0]; }
    *values(): IterableIterator<string> { for (const p of params(this).list) yield p[1]; }
    [Symbol.iterator]() { return this.entries(); }
    toString(): string { return serialize(params(this).list); }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
  }

  // ---- URL -------------------------------------------------------------------
  const url = (self: object) => stateOf(urlState, self);

  /** After the URL changed, its params object (if handed out) reads the new query. */
  function refreshParams(self: object): void {
    const state = url(self);
    if (state.params === null) return;
    const search = state.record.search;
    params(state.params).list = parseQuery(search[0] === '?' ? search.slice(1) : search);
  }

  function setter(part: string) {
    return function (this: object, value: unknown) {
      const state = url(this);
      state.record = intrinsic('urlSet', [state.record.href, part, StringCtor(value)]);
      refreshParams(this);
    };
  }

  class URL {
    constructor(input: unknown, base?: unknown) {
      const record = intrinsic('url', [StringCtor(input), base === undefined ? null : StringCtor(base)]);
      urlState.set(this, { record, params: null });
    }
    static canParse(input: unknown, base?: unknown): boolean {
      try {
        intrinsic('url', [StringCtor(input), base === undefined ? null : StringCtor(base)]);
        return true;
      } catch {
        return false;
      }
    }
    get origin(): string { return url(this).record.origin!; }
    get searchParams(): URLSearchParams {
      const state = url(this);
      if (state.params === null) {
        const search = state.record.search!;
        const p = new URLSearchParams(search);
        params(p).url = this;
        state.params = p;
      }
      return state.params as URLSearchParams;
    }
    toString(): string { return url(this).record.href!; }
    toJSON(): string { return url(this).record.href!; }
    get [Symbol.toStringTag]() { return 'URL'; }
  }
  for (const part of URL_SETTABLE_PARTS) {
    Object.defineProperty(URL.prototype, part, {
      get(this: object) { return url(this).record[part]; },
      set: setter(part),
      enumerable: true,
      configurable: true,
    });
  }

  // ---- TextEncoder / TextDecoder (UTF-8 only, as in Enfyra's polyfill) -------
  function utf8(text: string): number[] {
    const bytes: number[] = [];
    const s = text.toWellFormed();
    for (let i = 0; i < s.length; i++) {
      let c = s.codePointAt(i)!;
      if (c > 0xffff) i++;
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return bytes;
  }

  class TextEncoder {
    get encoding(): string { return 'utf-8'; }
    encode(input: unknown = ''): Uint8Array { return new Uint8ArrayCtor(utf8(StringCtor(input))); }
    encodeInto(input: unknown, dest: Uint8Array): { read: number; written: number } {
      const s = StringCtor(input);
      let read = 0;
      let written = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.codePointAt(i)!;
        const units = c > 0xffff ? 2 : 1;
        const bytes = utf8(s.slice(i, i + units));
        if (written + bytes.length > dest.length) break;
        for (const b of bytes) dest[written++] = b;
        read += units;
        i += units - 1;
      }
      return { read, written };
    }
  }

  class TextDecoder {
    #fatal: boolean;
    #ignoreBOM: boolean;
    constructor(label: unknown = 'utf-8', options?: { fatal?: boolean; ignoreBOM?: boolean }) {
      const name = StringCtor(label).trim().toLowerCase();
      if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') throw new RangeError(`The "${StringCtor(label)}" encoding is not supported`);
      this.#fatal = options?.fatal === true;
      this.#ignoreBOM = options?.ignoreBOM === true;
    }
    get encoding(): string { return 'utf-8'; }
    get fatal(): boolean { return this.#fatal; }
    get ignoreBOM(): boolean { return this.#ignoreBOM; }
    decode(input?: ArrayBuffer | ArrayBufferView): string {
      if (input === undefined) return '';
      const bytes = ArrayBuffer.isView(input)
        ? new Uint8ArrayCtor(input.buffer, input.byteOffset, input.byteLength)
        : new Uint8ArrayCtor(input as ArrayBuffer);
      let out = '';
      let i = 0;
      if (!this.#ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
      const bad = (): string => {
        if (this.#fatal) throw new TypeErrorCtor('The encoded data was not valid for encoding utf-8');
        return '\uFFFD';
      };
      while (i < bytes.length) {
        const b = bytes[i]!;
        const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
        if (need === -1) { out += bad(); i++; continue; }
        let c = need === 0 ? b : need === 1 ? b & 31 : need === 2 ? b & 15 : b & 7;
        let j = 1;
        for (; j <= need; j++) {
          const n = bytes[i + j];
          const lo = j === 1 && b === 0xe0 ? 0xa0 : j === 1 && b === 0xf0 ? 0x90 : 0x80;
          const hi = j === 1 && b === 0xed ? 0x9f : j === 1 && b === 0xf4 ? 0x8f : 0xbf;
          if (n === undefined || n < lo || n > hi) break;
          c = (c << 6) | (n & 63);
        }
        if (j <= need) { out += bad(); i += j; continue; }
        out += StringCtor.fromCodePoint(c);
        i += need + 1;
      }
      return out;
    }
  }

  return { URL, URLSearchParams, TextEncoder, TextDecoder };
}
