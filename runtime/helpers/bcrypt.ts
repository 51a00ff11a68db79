/**
 * `$helpers.$bcrypt`: bcryptjs's async API, which works in chunks on the host
 * event loop, so hashing never blocks the isolate (or other invocations).
 */
import type { HostModule } from '../sandbox/host-module.ts';
import { rangeError, stringArg } from './args.ts';
import { asyncMethod } from './method.ts';

const HELPER = '$helpers.$bcrypt';
/** bcryptjs is loaded on first use, not at start-up. */
const loadBcrypt = async () => (await import('bcryptjs')).default;
/** bcrypt ignores everything past 72 bytes; refusing is safer than two passwords hashing alike. */
const MAX_PLAIN_BYTES = 72;
/**
 * The cost is read from the hash being compared; each step doubles the work
 * and the host cannot cancel it, so a hash claiming cost 31 must not run.
 * 15 is also the highest `helpers.bcryptRounds` the config accepts.
 */
const MAX_COMPARE_ROUNDS = 15;
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

function plainArg(value: unknown, helper: string): string {
  const plain = stringArg(value, helper, 'plain');
  const bytes = Buffer.byteLength(plain, 'utf8');
  if (bytes > MAX_PLAIN_BYTES) {
    throw rangeError(helper, 'plain', `at most ${MAX_PLAIN_BYTES} bytes in UTF-8`, plain, `${bytes} bytes`);
  }
  return plain;
}

export function createBcryptModule(rounds: number): HostModule {
  return {
    path: '$helpers.$bcrypt',
    methods: {
      hash: asyncMethod(async ([plain]) => {
        const password = plainArg(plain, `${HELPER}.hash`);
        return (await loadBcrypt()).hash(password, rounds);
      }),
      compare: asyncMethod(async ([plain, hash]) => {
        const helper = `${HELPER}.compare`;
        const password = plainArg(plain, helper);
        const stored = stringArg(hash, helper, 'hash');
        const match = BCRYPT_HASH.exec(stored);
        // Not a bcrypt hash (or an invalid cost): nothing can match it.
        if (!match || Number(match[1]) < 4) return false;
        if (Number(match[1]) > MAX_COMPARE_ROUNDS) {
          throw rangeError(helper, 'hash', `a bcrypt hash of cost at most ${MAX_COMPARE_ROUNDS}`, stored, `cost ${match[1]}`);
        }
        return (await loadBcrypt()).compare(password, stored);
      }),
    },
  };
}
