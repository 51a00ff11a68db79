import { describe, expect, it } from 'vitest';
import { compare } from '../../runtime/replay/compare.ts';
import { parseDuration } from '../../runtime/replay/duration.ts';
import { formatPath } from '../../runtime/shared/field-path.ts';
import { formatJson } from '../../runtime/replay/json-format.ts';
import { findBadMatcher } from '../../runtime/replay/matchers.ts';
import { refresh } from '../../runtime/replay/refresh.ts';

const fields = (expected: unknown, actual: unknown, mode: 'exact' | 'subset' = 'exact') =>
  compare(expected, actual, mode, ['data']).map((m) => formatPath(m.path));

describe('compare', () => {
  it('exact: same shape, extra and missing fields reported by path', () => {
    expect(fields({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toEqual([]);
    expect(fields({ a: 1, b: { c: [1, 2] } }, { a: 2, b: { c: [1, 3], d: true } })).toEqual(['data.a', 'data.b.c[1]', 'data.b.d']);
    expect(fields({ a: 1 }, {})).toEqual(['data.a']);
    expect(fields([1, 2], [1, 2, 3])).toEqual(['data']);
    expect(fields('1', 1)).toEqual(['data']);
    expect(fields(null, {})).toEqual(['data']);
  });

  it('subset: only the named fields, at any depth; arrays still by position', () => {
    expect(fields({ b: { c: 1 } }, { a: 0, b: { c: 1, d: 2 } }, 'subset')).toEqual([]);
    expect(fields({ b: { c: 2 } }, { b: { c: 1 } }, 'subset')).toEqual(['data.b.c']);
    expect(fields([{ id: 1 }], [{ id: 1, x: 2 }], 'subset')).toEqual([]);
    expect(fields([{ id: 1 }], [{ id: 1 }, { id: 2 }], 'subset')).toEqual(['data']);
  });

  it('matchers', () => {
    expect(fields({ a: { $any: true }, b: { $absent: true } }, { a: null })).toEqual([]);
    expect(fields({ a: { $any: true } }, {})).toEqual(['data.a']);
    expect(fields({ b: { $absent: true } }, { b: 1 })).toEqual(['data.b']);
    expect(fields({ $type: 'integer' }, 3)).toEqual([]);
    expect(fields({ $type: 'integer' }, 3.5)).toEqual(['data']);
    expect(fields({ $type: 'array' }, [])).toEqual([]);
    expect(fields({ $type: 'null' }, null)).toEqual([]);
    expect(fields({ $regex: '^a\\d$' }, 'a1')).toEqual([]);
    expect(fields({ $regex: '^a' }, 5)).toEqual(['data']);
    expect(fields({ row: { $match: { id: 1 } } }, { row: { id: 1, name: 'x' } })).toEqual([]);
    expect(fields({ row: { $match: { id: 1 } } }, { row: { id: 2 } })).toEqual(['data.row.id']);
    // Two keys, or an unknown $ name: a literal object.
    expect(fields({ $any: true, x: 1 }, { $any: true, x: 1 })).toEqual([]);
  });

  it('malformed matchers are found with their path', () => {
    expect(findBadMatcher({ a: [{ $regex: '(' }] })).toMatchObject({ path: ['a', 0] });
    expect(findBadMatcher({ a: { $type: 'date' } })?.message).toMatch(/\$type takes one of/);
    expect(findBadMatcher({ a: { $any: false } })?.message).toBe('$any takes true');
    expect(findBadMatcher({ a: { $match: { b: { $absent: 1 } } } })?.path).toEqual(['a', '$match', 'b']);
    expect(findBadMatcher({ a: 1 })).toBeNull();
  });
});

describe('parseDuration', () => {
  it.each([
    [250, 250],
    ['250ms', 250],
    ['60s', 60_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['1.5s', 1500],
  ])('%s', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', '60', 'sixty seconds', '5x', -1, '1h 30'])('rejects %s', (input) => expect(parseDuration(input)).toBeNull());
});

describe('refresh (--update)', () => {
  it('keeps what matches, takes the actual for the rest', () => {
    const expected = { id: { $type: 'integer' }, name: 'old', gone: 1, updatedAt: { $type: 'string' } };
    const actual = { id: 3, name: 'new', updatedAt: '2024-01-01', added: true };
    expect(refresh(expected, actual, 'exact')).toEqual({ id: { $type: 'integer' }, name: 'new', updatedAt: { $type: 'string' }, added: true });
    expect(refresh(expected, actual, 'subset')).toEqual({ id: { $type: 'integer' }, name: 'new', updatedAt: { $type: 'string' } });
    expect(refresh({ $absent: true }, undefined, 'exact')).toEqual({ $absent: true });
    expect(refresh(5, undefined, 'exact')).toEqual({ $absent: true });
    expect(refresh({ $match: { a: 1 } }, { a: 2, b: 3 }, 'exact')).toEqual({ $match: { a: 2 } });
  });
});

describe('formatJson', () => {
  it('keeps short values on one line and breaks long ones', () => {
    const text = formatJson({ a: [1, 2], b: { long: 'x'.repeat(130) } });
    expect(text).toBe(`{\n  "a": [1, 2],\n  "b": {\n    "long": "${'x'.repeat(130)}"\n  }\n}`);
    expect(JSON.parse(text)).toEqual({ a: [1, 2], b: { long: 'x'.repeat(130) } });
  });
});
