import type { MaintenanceWindow } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { type WindowVerdict, windowAt } from './windows.js';

// America/Chicago: CST is UTC-6, CDT UTC-5; in 2025 DST starts 9 March and ends 2 November.

const chicago = (maintenanceWindows: MaintenanceWindow[]) => ({
  timezone: 'America/Chicago',
  maintenanceWindows,
});
const window = (
  name: string,
  days: MaintenanceWindow['days'],
  start: string,
  end: string,
): MaintenanceWindow => ({
  name,
  days,
  start,
  end,
});
const show = (v: WindowVerdict) =>
  v.state === 'unrestricted'
    ? 'unrestricted'
    : v.state === 'open'
      ? `open ${v.window} ${v.start.toISOString()} – ${v.end.toISOString()}`
      : `closed; next ${v.next.window} ${v.next.start.toISOString()} – ${v.next.end.toISOString()}`;
const at = (iso: string) => new Date(iso);

describe('windowAt', () => {
  it('puts no restriction on a site without windows', () => {
    expect(show(windowAt({ timezone: 'America/Chicago' }, at('2025-01-15T18:00:00Z')))).toBe('unrestricted');
    expect(show(windowAt(chicago([]), at('2025-01-15T18:00:00Z')))).toBe('unrestricted');
  });

  const saturdayNight = chicago([window('sat-night', ['sat'], '23:00', '02:00')]);

  it('gives a window crossing midnight to its start day', () => {
    // Sunday 01:00 CST: inside Saturday's window (Sat 23:00 CST – Sun 02:00 CST).
    expect(show(windowAt(saturdayNight, at('2025-01-12T07:00:00Z')))).toBe(
      'open sat-night 2025-01-12T05:00:00.000Z – 2025-01-12T08:00:00.000Z',
    );
    // Sunday 23:30 CST: a Sunday night is not in it; the next opens Saturday 18 January.
    expect(show(windowAt(saturdayNight, at('2025-01-13T05:30:00Z')))).toBe(
      'closed; next sat-night 2025-01-19T05:00:00.000Z – 2025-01-19T08:00:00.000Z',
    );
  });

  it('opens at the start minute and closes at the end minute', () => {
    expect(windowAt(saturdayNight, at('2025-01-12T04:59:59Z')).state).toBe('closed');
    expect(windowAt(saturdayNight, at('2025-01-12T05:00:00Z')).state).toBe('open');
    expect(windowAt(saturdayNight, at('2025-01-12T07:59:59Z')).state).toBe('open');
    expect(windowAt(saturdayNight, at('2025-01-12T08:00:00Z')).state).toBe('closed');
  });

  it('names the earliest next window among several, and the longest-open of overlapping ones', () => {
    const site = chicago([
      window('nightly', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], '22:00', '05:30'),
      window('sunday-day', ['sun'], '04:00', '16:00'),
    ]);
    // Saturday 12:00 CST: nightly opens Saturday 22:00 CST first.
    expect(show(windowAt(site, at('2025-01-11T18:00:00Z')))).toBe(
      'closed; next nightly 2025-01-12T04:00:00.000Z – 2025-01-12T11:30:00.000Z',
    );
    // Sunday 05:00 CST: both open; sunday-day stays open until 16:00.
    expect(show(windowAt(site, at('2025-01-12T11:00:00Z')))).toBe(
      'open sunday-day 2025-01-12T10:00:00.000Z – 2025-01-12T22:00:00.000Z',
    );
  });

  it('follows the wall clock across DST: the spring-forward night is an hour shorter', () => {
    const site = chicago([window('nightly', ['sat'], '22:00', '05:30')]);
    // Saturday 8 March 22:00 CST to Sunday 05:30 CDT.
    expect(show(windowAt(site, at('2025-03-09T06:00:00Z')))).toBe(
      'open nightly 2025-03-09T04:00:00.000Z – 2025-03-09T10:30:00.000Z',
    );
    // Fall back: Saturday 1 November 22:00 CDT to Sunday 05:30 CST, an hour longer.
    expect(show(windowAt(site, at('2025-11-02T06:00:00Z')))).toBe(
      'open nightly 2025-11-02T03:00:00.000Z – 2025-11-02T11:30:00.000Z',
    );
  });

  it('opens a window whose start does not exist on the spring-forward day when cron-parser runs that time', () => {
    const site = chicago([window('early', ['sun'], '02:00', '04:00')]);
    // 02:00 CST never happens on 9 March: the window opens at 03:00 CDT and ends at 04:00 CDT.
    expect(show(windowAt(site, at('2025-03-09T07:30:00Z')))).toBe(
      'closed; next early 2025-03-09T08:00:00.000Z – 2025-03-09T09:00:00.000Z',
    );
  });

  it('skips windows validation refuses, and is unrestricted when none is left', () => {
    const invalid = chicago([
      window('same', ['mon'], '02:00', '02:00'),
      window('late', ['mon'], '24:00', '02:00'),
    ]);
    expect(windowAt(invalid, at('2025-01-15T18:00:00Z')).state).toBe('unrestricted');
    const mixed = chicago([
      window('same', ['mon'], '02:00', '02:00'),
      window('ok', ['mon'], '01:00', '02:00'),
    ]);
    expect(show(windowAt(mixed, at('2025-01-15T18:00:00Z')))).toBe(
      'closed; next ok 2025-01-20T07:00:00.000Z – 2025-01-20T08:00:00.000Z',
    );
  });
});
