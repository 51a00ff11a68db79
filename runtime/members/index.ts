/**
 * The `$ctx` members that reach outside the request, as host modules:
 * `$socket`, `$trigger`, `$helpers.$fetch`, `$storage`, `$res`.
 * Each acts locally where one machine can and records an effect otherwise;
 * docs/members/ says which is which.
 */
import type { ResolvedConfig } from '../config/load.ts';
import type { HostModule } from '../sandbox/host-module.ts';
import { createFetchModule, type FetchAnswer, type FetchModule } from './fetch/fetch-module.ts';
import type { FlowRegistry } from './flows/format.ts';
import { bundlePackages, type PackagePrelude } from './pkgs/bundle.ts';
import { createResModule } from './res/res-module.ts';
import { createSocketModule } from './socket/socket-module.ts';
import { createStorageModule } from './storage/storage-module.ts';
import { createTriggerModule } from './trigger/trigger-module.ts';

export interface MemberModulesOptions {
  config: ResolvedConfig;
  flows: () => FlowRegistry;
  nextJobId: () => string;
  /** Answer `$fetch` from stubs from the start (replay). */
  fetchAnswer?: FetchAnswer;
}

export interface MemberModules {
  modules: HostModule[];
  /** For the replayer: `fetch.setAnswer(answerFromStubs(state.fetch))`. */
  fetch: FetchModule;
}

export function createMemberModules(options: MemberModulesOptions): MemberModules {
  const fetch = createFetchModule({ allowPrivate: options.config.fetch.allowPrivate, answer: options.fetchAnswer });
  return {
    fetch,
    modules: [
      createSocketModule(),
      createTriggerModule({ flows: options.flows, nextJobId: options.nextJobId }),
      fetch,
      createStorageModule({ dir: options.config.storage.dir }),
      createResModule(),
    ],
  };
}

/**
 * The preludes of the packages in config `packages.names`, for the sandbox to load into each context as
 * `$ctx.$pkgs[name]` and `require(name)` (see pkgs/bundle.ts). Rejects with a PackageError naming the package.
 */
export function packagePreludes(config: ResolvedConfig): Promise<PackagePrelude[]> {
  return bundlePackages(config.packages.names, { projectRoot: config.root, cacheDir: config.packages.cacheDir });
}
