import { describe, expect, it } from 'vitest';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import { helpers } from './support.ts';

const call = helpers();
const slug = (text: unknown) => call('$helpers.autoSlug', text);

describe('$helpers.autoSlug', () => {
  it.each([
    ['Hello World', 'hello-world'],
    ['Crème Brûlée!', 'creme-brulee'],
    ['Đường Phố Hà Nội', 'duong-pho-ha-noi'],
    ['Straße ẞ', 'strasse-ss'],
    ['Æsir Øl Œuvre Łódź Þór', 'aesir-ol-oeuvre-lodz-thor'],
    ['İstanbul ıslak', 'istanbul-islak'],
    ['  --Multiple   spaces__and--dashes-- ', 'multiple-spaces-and-dashes'],
    ['Release 2.0 (beta)', 'release-2-0-beta'],
    ['ALL CAPS', 'all-caps'],
    ['!!!', ''],
    ['', ''],
    ['Привет мир ok', 'ok'],
  ])('%j → %j', (text, expected) => {
    expect(slug(text)).toBe(expected);
  });

  it.each([123, null, undefined, {}, ['a'], new Unrepresentable('function', 'function at .')])(
    'rejects %j with a TypeError naming the helper and argument',
    (value) => {
      expect(() => slug(value)).toThrow(TypeError);
      expect(() => slug(value)).toThrow(/\$helpers\.autoSlug: text must be a string/);
    },
  );
});
