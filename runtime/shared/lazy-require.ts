/**
 * A package loaded on first use, synchronously, for packages most runs never call: a cold
 * `enfyra-run <hook>` pays for every module it loads. `require` resolves from this package as an import
 * would, and on Node 24 also loads an ES module (one without top-level await).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
