import { describe, expect, it } from 'vitest';
import { fieldChanges } from './field-changes.js';

describe('fieldChanges', () => {
  it('is empty for deeply equal values', () => {
    expect(fieldChanges({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toEqual([]);
  });

  it('reports a change of type as one change of the whole value', () => {
    expect(fieldChanges({ a: ['x'] }, { a: 'x' })).toEqual([
      { path: 'a', change: 'changed', before: ['x'], after: 'x' },
    ]);
    expect(fieldChanges({ a: null }, { a: {} })).toEqual([
      { path: 'a', change: 'changed', before: null, after: {} },
    ]);
  });

  it('matches by index when names repeat or some items have none', () => {
    const before = {
      l: [
        { name: 'a', v: 1 },
        { name: 'a', v: 2 },
      ],
    };
    const after = {
      l: [
        { name: 'a', v: 1 },
        { name: 'a', v: 3 },
      ],
    };
    expect(fieldChanges(before, after)).toEqual([{ path: 'l[1].v', change: 'changed', before: 2, after: 3 }]);
    expect(fieldChanges({ l: [{ name: 'a' }, { v: 1 }] }, { l: [{ name: 'a' }, { v: 2 }] })).toEqual([
      { path: 'l[1].v', change: 'changed', before: 1, after: 2 },
    ]);
  });

  it('quotes keys and names that are not plain identifiers', () => {
    expect(fieldChanges({ labels: { 'a.b/c': '1' } }, { labels: { 'a.b/c': '2' } })).toEqual([
      { path: 'labels["a.b/c"]', change: 'changed', before: '1', after: '2' },
    ]);
    expect(
      fieldChanges({ c: [{ name: 'Dana "D" W', role: 'x' }] }, { c: [{ name: 'Dana "D" W', role: 'y' }] }),
    ).toEqual([{ path: 'c[name="Dana \\"D\\" W"].role', change: 'changed', before: 'x', after: 'y' }]);
  });
});
