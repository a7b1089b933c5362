import { describe, expect, it } from 'vitest';
import { latestOccurrence, occurrencesBetween } from './occurrences.js';

const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('occurrencesBetween', () => {
  it('excludes the start and includes the end', () => {
    const { times, truncated } = occurrencesBetween(
      '0 2 * * *',
      'UTC',
      at('2025-01-10T02:00:00Z'),
      at('2025-01-12T02:00:00Z'),
      10,
    );
    expect(iso(times)).toEqual(['2025-01-11T02:00:00.000Z', '2025-01-12T02:00:00.000Z']);
    expect(truncated).toBe(false);
  });

  it('stops at the limit and says more are left, across several internal batches', () => {
    const from = at('2025-01-10T00:00:00Z');
    const capped = occurrencesBetween('* * * * *', 'UTC', from, at('2025-01-10T02:00:00Z'), 100);
    expect(capped.times).toHaveLength(100);
    expect(capped.times[99]?.toISOString()).toBe('2025-01-10T01:40:00.000Z');
    expect(capped.truncated).toBe(true);
    // Exactly as many as the limit: nothing is left.
    const exact = occurrencesBetween('* * * * *', 'UTC', from, at('2025-01-10T01:04:00Z'), 64);
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.times).toHaveLength(64);
  });
});

describe('latestOccurrence', () => {
  it('finds the run time at or before now, in the zone', () => {
    // Sunday 12 January 02:00 CST is 08:00Z.
    expect(latestOccurrence('0 2 * * 0', 'America/Chicago', at('2025-01-15T18:00:00Z'))?.toISOString()).toBe(
      '2025-01-12T08:00:00.000Z',
    );
    expect(latestOccurrence('0 2 * * 0', 'America/Chicago', at('2025-01-12T08:00:00Z'))?.toISOString()).toBe(
      '2025-01-12T08:00:00.000Z',
    );
    expect(latestOccurrence('*/5 * * * *', 'UTC', at('2025-01-15T18:07:30Z'))?.toISOString()).toBe(
      '2025-01-15T18:05:00.000Z',
    );
  });
});
