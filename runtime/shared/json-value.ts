/** Small helpers over JSON values, used by every layer that inspects script data. */

/** A `{...}` object (not an array, not a class instance): the shape JSON objects arrive in. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `object[key]` if it is the object's own field, else undefined (never a prototype member). */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** The JSON type name of a value: null, array, or its typeof. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
