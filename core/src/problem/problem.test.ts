import { describe, expect, it } from 'vitest';
import { firstLineOf } from './problem.js';

describe('firstLineOf', () => {
  it("gives the first line of an Error's message", () => {
    expect(firstLineOf(new Error('refused\n    at stack frame'))).toBe('refused');
  });

  it('reads an error-like object by its message, and anything else by its text', () => {
    expect(firstLineOf({ message: 'GitHub said no\nmore' })).toBe('GitHub said no');
    expect(firstLineOf('plain\ntext')).toBe('plain');
    expect(firstLineOf(42)).toBe('42');
    expect(firstLineOf(undefined)).toBe('undefined');
    expect(firstLineOf(null)).toBe('null');
  });
});
