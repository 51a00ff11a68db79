/** `$ctx.$helpers` as host modules: `$helpers`, `.$bcrypt`, `.$crypto`, `.$rateLimit`. */
import type { CacheDriver, Clock } from '../cache/driver.ts';
import type { HelpersConfig } from '../config/schema.ts';
import type { HostMethod, HostModule } from '../sandbox/host-module.ts';
import { jsonArg } from './args.ts';
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
  /** The request's ip/user/route for `$rateLimit.byIp` and friends. */
  request?: RequestAccessor;
}

/**
 * Enfyra's `$helpers` is a proxy: every other name is a helper that fails
 * when called, with "Helper not found: <name>" (the name below `$helpers`).
 */
function notFound(under: string): HostMethod {
  return asyncMethod(async ([name]) => {
    throw new Error(`Helper not found: ${under}${String(name)}`);
  });
}

function withFallback(module: HostModule): HostModule {
  const under = module.path === '$helpers' ? '' : `${module.path.slice('$helpers.'.length)}.`;
  return { ...module, fallback: notFound(under) };
}

export function createHelperModules(options: HelperModuleOptions): HostModule[] {
  const signJwt = createJwtSigner(options.helpers.jwtSecret, options.mode);
  return [
    {
      path: '$helpers',
      methods: {
        autoSlug: syncMethod((args) => autoSlug(jsonArg(args, 0), jsonArg(args, 1))),
        $jwt: asyncMethod((args, scope) => signJwt(jsonArg(args, 0), jsonArg(args, 1), scope)),
        $sleep: asyncMethod((args, scope) => sleep(jsonArg(args, 0), scope)),
      },
    },
    createBcryptModule(options.helpers.bcryptRounds),
    cryptoModule,
    createRateLimitModule({ ...options.cache, request: options.request }),
  ].map(withFallback);
}
