/** `$helpers.$crypto`: synchronous, small, node:crypto underneath. */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { HostModule } from '../sandbox/host-module.ts';
import { integerArg, nonEmptyStringArg, stringArg, typeError } from './args.ts';
import { syncMethod } from './method.ts';

export const MAX_RANDOM_BYTES = 4096;

const ENCODINGS = ['hex', 'base64', 'base64url'] as const;
type Encoding = (typeof ENCODINGS)[number];

function encodingArg(value: unknown, helper: string): Encoding {
  if (value === undefined) return 'hex';
  if (!ENCODINGS.includes(value as Encoding)) throw typeError(helper, 'encoding', `one of ${ENCODINGS.join(', ')}`, value);
  return value as Encoding;
}

const HELPER = '$helpers.$crypto';

export const cryptoModule: HostModule = {
  path: '$helpers.$crypto',
  methods: {
    randomUUID: syncMethod(() => randomUUID()),
    randomBytes: syncMethod(([size, encoding]) => {
      const helper = `${HELPER}.randomBytes`;
      const bytes = integerArg(size, helper, 'size', 0, MAX_RANDOM_BYTES);
      return randomBytes(bytes).toString(encodingArg(encoding, helper));
    }),
    sha256: syncMethod(([data, encoding]) => {
      const helper = `${HELPER}.sha256`;
      return createHash('sha256').update(stringArg(data, helper, 'data')).digest(encodingArg(encoding, helper));
    }),
    hmacSha256: syncMethod(([data, key, encoding]) => {
      const helper = `${HELPER}.hmacSha256`;
      const text = stringArg(data, helper, 'data');
      return createHmac('sha256', nonEmptyStringArg(key, helper, 'key')).update(text).digest(encodingArg(encoding, helper));
    }),
  },
};
