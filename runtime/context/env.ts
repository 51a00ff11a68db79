/**
 * `$ctx.$env`: the process environment minus anything that looks like a
 * secret or a connection string. Deny by name: a variable a hook needs can be
 * renamed, a leaked secret cannot be taken back.
 */
const SECRET_NAME = /(_URL|_URI|_DSN)$|SECRET|PASSW(OR)?D|PASSPHRASE|TOKEN|KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION|SALT|CERT/i;

export function sanitizeEnv(env: NodeJS.ProcessEnv, extraDeny: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_NAME.test(name) || isDenied(name, extraDeny)) continue;
    out[name] = value;
  }
  return out;
}

function isDenied(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}
