import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1800],
    ['4h', 14_400],
    ['1d', 86_400],
    ['2w', 1_209_600],
    ['1d12h', 129_600],
    ['1h30m', 5400],
  ])('%s → %i s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '4', 'h', '4 h', '-1h', '1.5h', '4H', '1y'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [45, '45s'],
    [60, '1m'],
    [5400, '1h 30m'],
    [90_060, '1d 1h 1m'],
    [14_400, '4h'],
  ])('%i s → %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});
