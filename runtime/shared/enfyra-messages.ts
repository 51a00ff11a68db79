/** Enfyra's own wording where a script depends on it. */

/** `require(name)` for a package that is not installed (Enfyra's worker setup template). */
export function missingPackageMessage(name: string): string {
  return `Module "${name}" is not available. Install it via Settings \u2192 Packages`;
}
