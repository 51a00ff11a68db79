/** What each piece of Enfyra's template syntax stands for in the `$ctx` form. */
import { TEMPLATE_TOKENS } from '../shared/ctx-members.ts';

/** `@NAME` → replacement, keyed by NAME (without the `@`), from the `$ctx` member list. */
export const AT_TOKENS: ReadonlyMap<string, string> = new Map(
  [...TEMPLATE_TOKENS].map(([token, replacement]): [string, string] => [token.slice(1), replacement]),
);

/** `#name` → the repository of that table. */
export function tableReference(name: string): string {
  return `$ctx.$repos.${name}`;
}

/** `%name` → an installed package. */
export function packageReference(name: string): string {
  return `$ctx.$pkgs.${name}`;
}
