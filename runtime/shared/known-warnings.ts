/**
 * Warnings raised from more than one place (a static check at compile time, and the runtime when the
 * static check could not see the call): one text for both.
 */
import type { Warning } from './diagnostics.ts';

export const WHERE_IGNORED: Pick<Warning, 'code' | 'message'> = {
  code: 'repos.where-ignored',
  message:
    "find({ where }) is not an option in Enfyra 2.2 (it was an alias of filter up to 2.1): it is ignored, so this find reads the request's filter or every row; use find({ filter: ... })",
};
