import type { MaintenanceWindow } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { maintenanceWindows } from './maintenance-windows.js';

const S = 'sites/lisle.yaml';
const P = 'policies/office-share.yaml';
const I = 'images/ws-golden.yaml';

const withWindows = (...windows: MaintenanceWindow[]) =>
  site((s) => {
    s.spec.maintenanceWindows = windows;
  });
const sundayNight: MaintenanceWindow = { name: 'sunday-night', days: ['sun'], start: '22:00', end: '06:00' };

describe('maintenance-windows', () => {
  it('accepts heavy jobs inside the windows, and anything at a site without windows', () => {
    expect(runRule(maintenanceWindows, inventoryFiles())).toEqual([]);
    const noon = policy((p) => {
      p.spec.check = { schedule: { cron: '0 12 * * *' }, subsets: 7, readAllWithinDays: 7 };
    });
    expect(
      runRule(
        maintenanceWindows,
        inventoryFiles(
          site((s) => {
            s.spec.maintenanceWindows = undefined;
          }),
          noon,
        ),
      ),
    ).toEqual([]);
    expect(runRule(maintenanceWindows, inventoryFiles(withWindows(), noon))).toEqual([]);
  });

  it('a window crossing midnight belongs to its start day: Sunday 22:00–06:00 covers Monday 02:30', () => {
    const monday = policy((p) => {
      p.spec.prune = { schedule: { cron: '30 2 * * 1' } };
      p.spec.check = { schedule: { cron: '0 23 * * 0' }, subsets: 1, readAllWithinDays: 7 };
      p.spec.drill = { schedule: { cron: '0 12 * * 3' }, kind: 'sample' };
    });
    expect(runRule(maintenanceWindows, inventoryFiles(withWindows(sundayNight), monday))).toEqual([]);
  });

  it('window.heavy-job-outside (warning): Sunday 02:30 is before the Sunday-night window opens', () => {
    const files = inventoryFiles(
      withWindows(sundayNight),
      policy((p) => {
        p.spec.check = { schedule: { cron: '0 23 * * 0' }, subsets: 1, readAllWithinDays: 7 };
        p.spec.drill = undefined;
      }),
    );
    expect(runRule(maintenanceWindows, files)).toEqual([
      {
        code: 'window.heavy-job-outside',
        severity: 'warning',
        ...at(files, P, 'cron: 30 2 * * 0', '30'),
        path: 'spec.prune.schedule.cron',
        message: 'prune runs at Sun 02:30 (site time), outside every maintenance window of site "lisle"',
      },
    ]);
  });

  it('window.heavy-job-outside: a noon check every day, a full policy drill and an image drill', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.check = { schedule: { cron: '0 12 * * *' }, subsets: 7, readAllWithinDays: 7 };
        p.spec.drill = { schedule: { cron: '0 14 1 * *' }, kind: 'full' };
      }),
      image((i) => {
        i.spec.drill = { schedule: { cron: '30 9 * * 2,4' } };
      }),
    );
    expect(runRule(maintenanceWindows, files)).toEqual([
      {
        code: 'window.heavy-job-outside',
        severity: 'warning',
        ...at(files, P, 'cron: 0 12 * * *', '0'),
        path: 'spec.check.schedule.cron',
        message:
          'check runs at Sun 12:00 and 6 more of its 7 weekly run times (site time), outside every maintenance window of site "lisle"',
      },
      {
        code: 'window.heavy-job-outside',
        severity: 'warning',
        ...at(files, P, 'cron: 0 14 1 * *', '0'),
        path: 'spec.drill.schedule.cron',
        // The 1st of the month can be any weekday.
        message:
          'drill runs at Sun 14:00 and 6 more of its 7 weekly run times (site time), outside every maintenance window of site "lisle"',
      },
      {
        code: 'window.heavy-job-outside',
        severity: 'warning',
        ...at(files, I, 'cron: 30 9 * * 2,4', '30'),
        path: 'spec.drill.schedule.cron',
        message:
          'drill runs at Tue 09:30 and 1 more of its 2 weekly run times (site time), outside every maintenance window of site "lisle"',
      },
    ]);
  });

  it("evaluates a schedule in another zone in the site's local time", () => {
    // 07:30 UTC is 01:30 (winter) or 02:30 (summer) in Chicago: inside the nightly window.
    const utc = policy((p) => {
      p.spec.prune = { schedule: { cron: '30 7 * * *', timezone: 'UTC' } };
    });
    expect(runRule(maintenanceWindows, inventoryFiles(site(), utc))).toEqual([]);
    const local = policy((p) => {
      p.spec.prune = { schedule: { cron: '30 7 * * *' } };
    });
    const files = inventoryFiles(site(), local);
    expect(runRule(maintenanceWindows, files)).toMatchObject([
      {
        code: 'window.heavy-job-outside',
        ...at(files, P, 'cron: 30 7 * * *', '30'),
        path: 'spec.prune.schedule.cron',
      },
    ]);
  });

  it('window.invalid: times out of range, an empty window, a duplicate name', () => {
    const files = inventoryFiles(
      withWindows(
        { name: 'nightly', days: ['mon'], start: '24:00', end: '06:00' },
        { name: 'weekend', days: ['sat'], start: '08:00', end: '07:60' },
        { name: 'nightly', days: ['sun'], start: '22:00', end: '22:00' },
      ),
      policy((p) => {
        p.spec.drill = undefined;
      }),
    );
    const problems = runRule(maintenanceWindows, files).filter((p) => p.code === 'window.invalid');
    expect(problems).toEqual([
      {
        code: 'window.invalid',
        severity: 'error',
        ...at(files, S, 'start: 24:00', '24'),
        path: 'spec.maintenanceWindows[0].start',
        message: 'start "24:00" is not a time of day (00:00 to 23:59)',
      },
      {
        code: 'window.invalid',
        severity: 'error',
        ...at(files, S, 'end: 07:60', '07'),
        path: 'spec.maintenanceWindows[1].end',
        message: 'end "07:60" is not a time of day (00:00 to 23:59; midnight is 00:00)',
      },
      {
        code: 'window.invalid',
        severity: 'error',
        ...at(files, S, '- name: nightly\n      days:\n        - sun', 'nightly'),
        path: 'spec.maintenanceWindows[2].name',
        message: 'window name "nightly" is also used by maintenanceWindows[0]',
      },
      {
        code: 'window.invalid',
        severity: 'error',
        ...at(files, S, 'end: 22:00', '22'),
        path: 'spec.maintenanceWindows[2].end',
        message:
          'window starts and ends at "22:00": say which hours it covers (end earlier than start crosses midnight)',
      },
    ]);
  });
});
