import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { jsonText } from '../../runtime/cli/json-text.ts';
import { colorsFor } from '../../runtime/shared/colors.ts';

const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const value = { name: 'a "quoted" true 12', n: -1.5e3, ok: true, none: null, list: [1, 'two', { deep: [false] }], 'key: with colon': 'x' };

describe('data as JSON on the terminal', () => {
  it('with colors: exactly JSON.stringify(value, null, 2) once the colors are removed, keys and values colored apart', () => {
    const colored = jsonText(value, pc.createColors(true));
    expect(colored).toMatch(/\x1b\[/);
    expect(strip(colored)).toBe(JSON.stringify(value, null, 2));
    expect(colored).toContain(`${pc.createColors(true).green('"a \\"quoted\\" true 12"')}`);
    expect(colored).toContain(`${pc.createColors(true).cyan('"name"')}:`);
  });

  it('without colors (not a TTY, or NO_COLOR): plain JSON', () => {
    expect(jsonText(value, colorsFor({ isTTY: false }, {}))).toBe(JSON.stringify(value, null, 2));
    expect(jsonText(value, colorsFor({ isTTY: true }, { NO_COLOR: '1' }))).toBe(JSON.stringify(value, null, 2));
  });
});
