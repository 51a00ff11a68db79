import { describe, expect, it } from 'vitest';
import { Unrepresentable } from '../../runtime/shared/wire.ts';
import { helpers } from './support.ts';

const call = helpers();
const slug = (...args: unknown[]) => call('$helpers.autoSlug', ...args);

describe("$helpers.autoSlug: Enfyra's", () => {
  it.each([
    ['Hello World', 'hello-world'],
    ['Vue.js', 'vuejs'],
    ['hello_world.test', 'helloworldtest'],
    ['a/b', 'ab'],
    ['Straße', 'strae'],
    ['Crème Brûlée!', 'creme-brulee'],
    ['Xin chào thế giới', 'xin-chao-the-gioi'],
    ['Đà Nẵng', 'da-nang'],
    ['  --Multiple   spaces and--dashes-- ', 'multiple-spaces-and-dashes'],
    ['Hello   World', 'hello-world'],
    ['Release 2.0 (beta)', 'release-20-beta'],
    ['ALL CAPS', 'all-caps'],
    ['tab\there\nnewline', 'tab-here-newline'],
    ['!!!', ''],
    ['Привет мир ok', 'ok'],
  ])('%j → %j', (text, expected) => {
    expect(slug(text)).toBe(expected);
  });

  it('caps the slug at 100 characters, dropping a separator left at the end', () => {
    expect(slug('a'.repeat(150))).toBe('a'.repeat(100));
    expect(slug(`${'a'.repeat(99)} b`)).toBe('a'.repeat(99));
  });

  it.each([123, null, undefined, {}, ['a'], '', true, new Unrepresentable('function', 'function at top level')])(
    'gives an empty string for %j',
    (value) => {
      expect(slug(value)).toBe('');
    },
  );

  it('takes Enfyra\'s options: separator, lowercase, trim, maxLength', () => {
    expect(slug('Hello World', { separator: '_' })).toBe('hello_world');
    expect(slug('Hello World Test', { separator: '.' })).toBe('hello.world.test');
    expect(slug('Hello World', { separator: '+' })).toBe('hello+world');
    expect(slug('Hello World', { lowercase: false })).toBe('Hello-World');
    expect(slug(' Hello World ', { trim: false, separator: '_' })).toBe('_hello_world_');
    expect(slug('A very long title that exceeds the limit', { maxLength: 10 })).toBe('a-very-lon');
    expect(slug('A very long title', { maxLength: 7 })).toBe('a-very');
    expect(slug('a'.repeat(150), { maxLength: 0 })).toBe('a'.repeat(150));
  });

  it('fails where Enfyra fails: null options, a separator that is not a string', () => {
    expect(() => slug('x', null)).toThrow(TypeError);
    expect(() => slug('x', { separator: 5 })).toThrow(/options\.separator must be a string/);
  });
});
