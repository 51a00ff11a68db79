/**
 * `$helpers.autoSlug(text, options?)` as Enfyra's (shared/utils/auto-slug.helper.ts):
 * đ/Đ become d/D, accents are dropped, the text is lowercased, then every
 * character outside letters a-z, digits, whitespace and `-` is removed (so
 * `Vue.js` → `vuejs`, `a/b` → `ab`, `Straße` → `strae`), whitespace runs
 * become the separator, and the result is at most 100 characters. Anything
 * but a non-empty string gives `''`. Options: `separator` ('-'),
 * `lowercase` (true), `trim` (true), `maxLength` (100; 0 for none).
 */
interface SlugOptions {
  separator?: unknown;
  lowercase?: unknown;
  trim?: unknown;
  maxLength?: unknown;
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NOT_KEPT = /[^a-zA-Z0-9\s-]/g;
const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

export function autoSlug(text: unknown, options: unknown = {}): string {
  // Destructuring null fails here as it does in Enfyra; JSON null for an option is not its default.
  const { separator = '-', lowercase = true, trim = true, maxLength = 100 } = options as SlugOptions;
  if (typeof text !== 'string' || text === '') return '';
  if (typeof separator !== 'string') throw new TypeError('$helpers.autoSlug: options.separator must be a string');
  let slug = text.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(COMBINING_MARKS, '');
  if (lowercase) slug = slug.toLowerCase();
  // As in Enfyra, `+` repeats the separator's last character only (the same for one-character separators).
  const repeated = `${separator.replace(REGEX_SPECIALS, '\\$&')}+`;
  slug = slug.replace(NOT_KEPT, '').replace(/\s+/g, separator).replace(new RegExp(repeated, 'g'), separator);
  if (trim) slug = slug.replace(new RegExp(`^${repeated}|${repeated}$`, 'g'), '');
  if (maxLength && slug.length > (maxLength as number)) {
    slug = slug.substring(0, maxLength as number).replace(new RegExp(`${repeated}$`, 'g'), '');
  }
  return slug;
}
