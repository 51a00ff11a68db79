/** `$ctx.$helpers` as host modules: `$helpers`, `.$bcrypt`, `.$crypto`, `.$rateLimit`. */
import type { CacheDriver, Clock } from '../cache/driver.ts';
import type { HelpersConfig } from '../config/schema.ts';
import type { HostModule } from '../sandbox/host-module.ts';
import { createBcryptModule } from './bcrypt.ts';
import { cryptoModule } from './crypto.ts';
import { createJwtSigner } from './jwt.ts';
import { asyncMethod, syncMethod } from './method.ts';
import { createRateLimitModule, type RequestAccessor } from './rate-limit.ts';
import { autoSlug } from './slug.ts';
import { sleep } from './sleep.ts';

export type { RateLimitRequest, RateLimitResult, RequestAccessor } from './rate-limit.ts';

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
