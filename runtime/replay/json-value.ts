/** Small helpers over JSON values. */
export { isPlainObject } from '../repos/row-values.ts';

/** `object[key]` if it is the object's own field, else undefined (never a prototype member). */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
