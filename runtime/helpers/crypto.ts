/**
 * `$helpers.$crypto` as Enfyra's crypto helper (shared/helpers/crypto.helper.ts):
 * lenient. `randomBytes(size = 32, encoding = 'hex')` truncates the size and
 * clamps it to 1..4096 (0 or a non-number means 32), and an encoding other
 * than hex, base64 or base64url silently becomes hex; sha256 and hmacSha256
 * hash `String(value)`. Where the leniency changes what was asked for, it warns.
 */
import { createHash, createHmac, generateKeyPair, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { HostModule, InvocationScope } from '../sandbox/host-module.ts';
import { jsonArg } from './args.ts';
import { asyncMethod, syncMethod } from './method.ts';
import { HELPER_WARNINGS, warnOnce } from './warnings.ts';

const MAX_RANDOM_BYTES = 4096;
const DEFAULT_RANDOM_BYTES = 32;
const ENCODINGS: ReadonlySet<string> = new Set(['hex', 'base64', 'base64url']);
const HELPER = '$helpers.$crypto';

type Encoding = 'hex' | 'base64' | 'base64url';

function lenient(scope: InvocationScope, method: string, what: string): void {
  warnOnce(scope, HELPER_WARNINGS.cryptoLenient, `${HELPER}.${method}: ${what}, as Enfyra does without an error`);
}

function encodingOf(value: unknown, scope: InvocationScope, method: string): Encoding {
  const encoding = value || 'hex';
  if (typeof encoding === 'string' && ENCODINGS.has(encoding)) return encoding as Encoding;
  lenient(scope, method, `the encoding ${JSON.stringify(encoding) ?? String(encoding)} is not hex, base64 or base64url, so hex is used`);
  return 'hex';
}

function sizeOf(value: unknown, scope: InvocationScope): number {
  const size = Math.max(1, Math.min(Math.trunc(Number(value) || DEFAULT_RANDOM_BYTES), MAX_RANDOM_BYTES));
  if (value !== undefined && value !== null && size !== value) {
    lenient(scope, 'randomBytes', `a size of ${JSON.stringify(value) ?? String(value)} gives ${size} bytes (whole numbers from 1 to ${MAX_RANDOM_BYTES}; 0 or none gives ${DEFAULT_RANDOM_BYTES})`);
  }
  return size;
}

/** By hand rather than util.promisify: an ES import of node:util makes Node load a dozen more of its modules at start-up. */
function generateRsaKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 4096, publicExponent: 0x10001 }, (err, publicKey, privateKey) =>
      err ? reject(err) : resolve({ publicKey, privateKey }),
    );
  });
}

/** An SSH wire-format string: a 4-byte big-endian length, then the bytes. */
function sshField(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** `ssh-rsa AAAA... comment`, the authorized_keys form of an RSA public key. */
export function openSshPublicKey(publicKey: KeyObject, comment: string): string {
  const { e, n } = publicKey.export({ format: 'jwk' });
  const modulus = Buffer.from(n!, 'base64url');
  // An mpint is signed: a modulus whose top bit is set needs a leading zero byte.
  const mpint = modulus[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), modulus]) : modulus;
  const blob = Buffer.concat([sshField(Buffer.from('ssh-rsa')), sshField(Buffer.from(e!, 'base64url')), sshField(mpint)]);
  return `ssh-rsa ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

export const cryptoModule: HostModule = {
  path: '$helpers.$crypto',
  methods: {
    randomUUID: syncMethod(() => randomUUID()),
    randomBytes: syncMethod((args, scope) =>
      randomBytes(sizeOf(jsonArg(args, 0), scope)).toString(encodingOf(jsonArg(args, 1), scope, 'randomBytes')),
    ),
    sha256: syncMethod((args, scope) =>
      createHash('sha256')
        .update(String(jsonArg(args, 0)))
        .digest(encodingOf(jsonArg(args, 1), scope, 'sha256')),
    ),
    hmacSha256: syncMethod((args, scope) =>
      createHmac('sha256', String(jsonArg(args, 1)))
        .update(String(jsonArg(args, 0)))
        .digest(encodingOf(jsonArg(args, 2), scope, 'hmacSha256')),
    ),
    /** RSA 4096, as Enfyra generates it: `{ publicKey: 'ssh-rsa ... comment', privateKey: PKCS#1 PEM }`. */
    generateSshKeyPair: asyncMethod(async (args) => {
      const comment = jsonArg(args, 0);
      const { publicKey, privateKey } = await generateRsaKeyPair();
      return {
        publicKey: openSshPublicKey(publicKey, comment ? String(comment) : ''),
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      };
    }),
  },
};
