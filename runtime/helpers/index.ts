/** `$ctx.$helpers` as host modules: `$helpers`, `.$bcrypt`, `.$crypto`, `.$rateLimit`. */
import type { CacheDriver, Clock } from '../cache/driver.js';
import type { HelpersConfig } from '../config/schema.js';
import type { HostModule } from '../sandbox/host-module.js';
import { createBcryptModule } from './bcrypt.js';
import { cryptoModule } from './crypto.js';
import { createJwtSigner } from './jwt.js';
import { asyncMethod, syncMethod } from './method.js';
import { createRateLimitModule, type RequestAccessor } from './rate-limit.js';
import { autoSlug } from './slug.js';
import { sleep } from './sleep.js';

export type { RateLimitRequest, RateLimitResult, RequestAccessor } from './rate-limit.js';

export interface HelperModuleOptions {
  helpers: HelpersConfig;
  mode: 'development' | 'production';
  /** `clock`: the driver's clock when it is not the wall clock (a memory driver's virtual clock). */
  cache: { driver: CacheDriver; namespace: string; clock?: Clock };
  /** The request's ip/user/route for `$rateLimit.byIp` and friends; without it they fail clearly. */
  request?: RequestAccessor;
}

export function createHelperModules(options: HelperModuleOptions): HostModule[] {
  const signJwt = createJwtSigner(options.helpers.jwtSecret, options.mode);
  return [
    {
      path: '$helpers',
      methods: {
        autoSlug: syncMethod(([text]) => autoSlug(text)),
        $jwt: asyncMethod(([payload, expiresIn]) => signJwt(payload, expiresIn)),
        $sleep: asyncMethod(([ms], scope) => sleep(ms, scope)),
      },
    },
    createBcryptModule(options.helpers.bcryptRounds),
    cryptoModule,
    createRateLimitModule({ ...options.cache, request: options.request }),
  ];
}
