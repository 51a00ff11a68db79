/**
 * Where logical keys live in the store. Scripts never see the prefix, and two
 * namespaces never see each other's keys.
 */
export function namespacedKey(namespace: string, key: string): string {
  return `${namespace}:${key}`;
}

/**
 * The namespace's fencing-token counter. Script keys are never empty, so no
 * script key maps here. One counter per namespace (not per lock key) keeps the
 * store from growing with every lock name ever used; a namespace-wide
 * monotonic counter is monotonic per lock too.
 */
export function fenceCounterKey(namespace: string): string {
  return `${namespace}:`;
}
