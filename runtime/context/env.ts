/**
 * `$ctx.$env` as Enfyra 2.2 gives it: the process environment minus exactly
 * the five names it hides (see shared/enfyra-env.ts) — nothing else, so a
 * script that reads an API key here reads it in production too. The compile
 * step warns where a script reads a name that looks secret. The config's
 * `envDeny` hides more names locally (exact names, or `PREFIX*`).
 */
import { ENFYRA_HIDDEN_ENV } from '../shared/enfyra-env.ts';

export function sanitizeEnv(env: NodeJS.ProcessEnv, extraDeny: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || ENFYRA_HIDDEN_ENV.includes(name) || isDenied(name, extraDeny)) continue;
    out[name] = value;
  }
  return out;
}

function isDenied(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}
