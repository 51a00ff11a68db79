/**
 * Case- and accent-insensitive matching for `_contains`, `_starts_with` and
 * `_ends_with`, as Enfyra gets it from `lower(unaccent(...))` on PostgreSQL
 * and MySQL. The same folding on every database here: lower case, and the
 * accented Latin letters mapped to their base letter (SQLite through a
 * function registered on the connection, PostgreSQL through the built-in
 * translate(), MySQL through a case- and accent-insensitive collation).
 */

/** Accented Latin letters (lower case) and their base letters, in matching order. */
const ACCENTED: string[] = [];
const BASE: string[] = [];
for (let code = 0xc0; code <= 0x24f; code++) {
  const ch = String.fromCodePoint(code).toLowerCase();
  const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
  if (base !== ch && /^[a-z]$/.test(base) && !ACCENTED.includes(ch)) {
    ACCENTED.push(ch);
    BASE.push(base);
  }
}

/** translate()'s two arguments: every accented letter, and its base letter at the same position. */
export const FOLD_FROM = ACCENTED.join('');
export const FOLD_TO = BASE.join('');

const MAP = new Map(ACCENTED.map((ch, i) => [ch, BASE[i]!]));

export function foldText(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase()) out += MAP.get(ch) ?? ch;
  return out;
}
