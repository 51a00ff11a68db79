/**
 * The SSRF guard of Enfyra's `$helpers.$fetch` (shared/helpers/fetch.helper.ts
 * assertNetworkAllowed): only http(s); localhost names, private, loopback,
 * link-local and multicast addresses are refused. Enfyra checks a name's DNS
 * answers and then lets fetch resolve it again; here the check runs in the
 * connection's own lookup, so the address checked is the address used. A few
 * addresses Enfyra misses (IPv4-mapped IPv6 like ::ffff:127.0.0.1, and ::) are
 * refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

export class RefusedAddress extends Error {}

export function isPrivateAddress(ip: string): boolean {
  const version = isIP(ip);
  if (version === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
  }
  if (version === 6) {
    const n = ip.toLowerCase();
    // IPv4-mapped, dotted (::ffff:127.0.0.1) or as URL parsing writes it (::ffff:7f00:1).
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(n);
    if (dotted) return isPrivateAddress(dotted[1]!);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(n);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      const lo = parseInt(hex[2]!, 16);
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return n === '::1' || n === '::' || n.startsWith('fc') || n.startsWith('fd') || n.startsWith('fe80:');
  }
  return true;
}

/** The host as a connection sees it: `[::1]` → `::1`. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Enfyra's checks that need no DNS; returns true when the target is a private or loopback name/literal. */
export function checkTarget(url: URL, allowPrivate: boolean): { private: boolean } {
  const protocol = url.protocol.toLowerCase();
  if (protocol !== 'http:' && protocol !== 'https:') throw new RefusedAddress(`Protocol "${protocol}" is not allowed`);
  const host = bareHost(url);
  if (!host) throw new RefusedAddress('Invalid URL hostname');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!allowPrivate) throw new RefusedAddress('Private/localhost targets are not allowed');
    return { private: true };
  }
  if (isIP(host)) {
    const priv = isPrivateAddress(host);
    if (priv && !allowPrivate) throw new RefusedAddress('Private IP targets are not allowed');
    return { private: priv };
  }
  return { private: false };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request: resolves every address of the name and refuses
 * the connection when any is private (unless allowed); `onPrivate` hears of
 * private addresses that were allowed.
 */
export function guardedLookup(allowPrivate: boolean, onPrivate: () => void) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (list.some((a) => isPrivateAddress(a.address))) {
        if (!allowPrivate) return callback(new RefusedAddress('Private IP targets are not allowed'), []);
        onPrivate();
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
