import { stringArg } from './args.ts';

/** Letters NFD does not decompose into a base letter plus marks. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  đ: 'd', ð: 'd', ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', þ: 'th', ı: 'i',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

/**
 * `autoSlug('Đường Phố Café!')` → `'duong-pho-cafe'`: accents folded, lowercase,
 * every run of characters other than a-z/0-9 becomes one hyphen, no hyphen at
 * either end. Letters with no Latin folding (e.g. Cyrillic, CJK) are dropped.
 */
export function autoSlug(text: unknown): string {
  return stringArg(text, '$helpers.autoSlug', 'text')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(FOLDABLE, (letter) => LETTER_FOLDS[letter]!)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
