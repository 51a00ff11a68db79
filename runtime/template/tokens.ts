/** What each piece of Enfyra's template syntax stands for in the `$ctx` form. */
import { THROWABLE_STATUSES } from '../shared/http-errors.ts';

const CONTEXT_NAMES: Readonly<Record<string, string>> = {
  CACHE: '$ctx.$cache',
  REPOS: '$ctx.$repos',
  HELPERS: '$ctx.$helpers',
  LOGS: '$ctx.$logs',
  BODY: '$ctx.$body',
  QUERY: '$ctx.$query',
  PARAMS: '$ctx.$params',
  USER: '$ctx.$user',
  REQ: '$ctx.$req',
  SHARE: '$ctx.$share',
  DATA: '$ctx.$data',
  STATUS: '$ctx.$statusCode',
  API: '$ctx.$api',
  ENV: '$ctx.$env',
  ERROR: '$ctx.$api.error',
  THROW: '$ctx.$throw',
};

/** `@NAME` → replacement, keyed by NAME; `@THROW404` and friends come from the throwable statuses. */
export const AT_TOKENS: ReadonlyMap<string, string> = new Map([
  ...Object.entries(CONTEXT_NAMES),
  ...THROWABLE_STATUSES.map((status): [string, string] => [`THROW${status}`, `$ctx.$throw['${status}']`]),
]);

/** `#name` → the repository of that table. */
export function tableReference(name: string): string {
  return `$ctx.$repos.${name}`;
}

/** `%name` → an installed package. */
export function packageReference(name: string): string {
  return `$ctx.$pkgs.${name}`;
}
