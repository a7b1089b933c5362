import { describe, expect, it } from 'vitest';
import { escapeJsonText, oneLine } from './one-line.js';

describe('oneLine', () => {
  it('leaves ordinary text, including non-ASCII, untouched', () => {
    expect(oneLine('Café Lisle — 東京 ✓')).toBe('Café Lisle — 東京 ✓');
  });

  it('makes newlines, tabs and escape sequences visible instead of acting on them', () => {
    expect(oneLine('a\nb\rc\td\u001b[31m')).toBe('a\\nb\\rc\\td\\u001b[31m');
  });

  it('escapes NUL, DEL, C1 controls, line separators and bidi overrides', () => {
    expect(oneLine('\u0000\u007f\u009b\u2028\u2029\u202e\u2066\u200f')).toBe(
      '\\u0000\\u007f\\u009b\\u2028\\u2029\\u202e\\u2066\\u200f',
    );
  });

  it('keeps the characters a caller escapes itself', () => {
    expect(oneLine('a\nb\u001b', ['\n'])).toBe('a\nb\\u001b');
  });

  it('handles very long text in linear time', () => {
    const long = `${'x'.repeat(200_000)}\u001b`;
    expect(oneLine(long)).toHaveLength(200_006);
  });
});

describe('escapeJsonText', () => {
  it('escapes the characters JSON.stringify leaves raw, and the value survives a round trip', () => {
    const value = { text: 'a\u009b31m\u007f\u2028\u202eb', plain: 'café' };
    const json = escapeJsonText(JSON.stringify(value));
    expect(json).toBe('{"text":"a\\u009b31m\\u007f\\u2028\\u202eb","plain":"café"}');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('returns text with nothing to escape unchanged', () => {
    expect(escapeJsonText('{"a":"\\u001b"}')).toBe('{"a":"\\u001b"}');
  });
});
