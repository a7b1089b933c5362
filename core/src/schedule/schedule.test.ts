import { describe, expect, it } from 'vitest';
import { checkCron, isValidTimezone, maxIntervalSeconds, nextRuns } from './schedule.js';

describe('checkCron', () => {
  it.each(['0 2 * * *', '*/15 * * * 1-5', '30 1 1 * *', '@daily'])('accepts %s', (expr) => {
    expect(checkCron(expr)).toEqual({ ok: true });
  });
  it.each([
    ['* * * *', /expected 5 fields/],
    ['0 0 2 * * *', /expected 5 fields/],
    ['61 * * * *', /59/],
    ['0 2 31 2 *', /day of month/i],
    ['not a cron', /expected 5 fields/],
    ['H 2 * * *', /H \(hashed value\)/],
    ['0 H(0-5) * * *', /H \(hashed value\)/],
  ])('refuses %s', (expr, reason) => {
    const result = checkCron(expr);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('isValidTimezone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isValidTimezone('America/Chicago')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimezone('')).toBe(false);
    expect(isValidTimezone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isValidTimezone('Etc/GMT+5')).toBe(true);
  });
  it.each([
    'EST',
    'CST',
    'CET',
    'PST8PDT',
    'GMT',
  ])('refuses the abbreviation %s although ICU knows it', (tz) => {
    expect(isValidTimezone(tz)).toBe(false);
  });
});

describe('nextRuns', () => {
  it('evaluates the cron in the given zone, across a DST change', () => {
    // 2026-03-08 is the US spring-forward day: 02:00 CST is 08:00Z before, 07:00Z after.
    const runs = nextRuns('0 2 * * *', 'America/Chicago', new Date('2026-03-07T00:00:00Z'), 3);
    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-03-07T08:00:00.000Z',
      '2026-03-08T08:00:00.000Z',
      '2026-03-09T07:00:00.000Z',
    ]);
  });
});

describe('maxIntervalSeconds', () => {
  it.each([
    ['0 2 * * *', 86_400],
    ['0 */4 * * *', 4 * 3600],
    ['*/15 * * * *', 900],
    ['0 9,17 * * *', 16 * 3600],
    // Weekdays only: Friday 18:00 to Monday 18:00.
    ['0 18 * * 1-5', 3 * 86_400],
    ['0 3 * * 0', 7 * 86_400],
    // 31 Mar → 31 May (April has 30 days) is the longest gap between months with a 31st.
    ['0 0 31 * *', 61 * 86_400],
    // Both day fields restricted: either matches (classic cron), so the 1st or any Monday.
    ['0 0 1 * 1', 7 * 86_400],
    // 29 February: four years apart.
    ['0 0 29 2 *', (365 * 3 + 366) * 86_400],
  ])('%s → %i s', (expr, seconds) => {
    expect(maxIntervalSeconds(expr)).toBe(seconds);
  });

  it('handles L (last day of month) by bounded iteration', () => {
    const gap = maxIntervalSeconds('0 0 L * *');
    expect(gap).toBeGreaterThanOrEqual(28 * 86_400);
    expect(gap).toBeLessThanOrEqual(31 * 86_400);
  });
});
