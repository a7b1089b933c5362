import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from './yaml-text.js';

describe('toYaml', () => {
  it('reads back as the same data, whatever the strings hold', () => {
    const value = {
      plain: 'demo',
      tricky: [
        'a: b',
        '# not a comment',
        '- dash',
        'it\'s "quoted"',
        'yes',
        '012',
        'line\nbreak',
        'ünïcode',
        '',
      ],
      numbers: [1, 2.5, 0],
      flags: { on: true, off: false, none: null },
      nested: [
        { name: 'x', list: ['p', 'q'], deeper: [{ k: 1 }] },
        { name: 'y', empty: [] },
      ],
    };
    expect(parse(toYaml(value))).toEqual(value);
  });

  it('leaves out undefined keys and puts the comments first', () => {
    const text = toYaml({ a: 1, b: undefined }, ['first', 'second']);
    expect(text).toBe('# first\n# second\na: 1\n');
  });
});
