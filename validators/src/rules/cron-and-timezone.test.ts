import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { cronAndTimezone } from './cron-and-timezone.js';

const S = 'sites/lisle.yaml';
const P = 'policies/office-share.yaml';
const I = 'images/ws-golden.yaml';

describe('cron-and-timezone', () => {
  it('accepts five-field crons, macros and IANA zones on every schedule', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.schedule = { cron: '@hourly', timezone: 'Europe/London' };
        p.spec.check = {
          schedule: { cron: '0 3 * * 1-5/2', timezone: 'UTC' },
          subsets: 7,
          readAllWithinDays: 14,
        };
      }),
      image(),
    );
    expect(runRule(cronAndTimezone, files)).toEqual([]);
  });

  it('cron.invalid: every schedule of a policy and an image is checked, with the reason', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.schedule.cron = '61 * * * *';
        p.spec.prune = { schedule: { cron: '30 2 * *' } };
        p.spec.check = { schedule: { cron: '0 25 * * *' }, subsets: 7, readAllWithinDays: 7 };
        p.spec.offsite = { remote: 'cloud', schedule: { cron: 'nightly at four' } };
        p.spec.drill = { schedule: { cron: '0 1 31 2 *' }, kind: 'sample' };
      }),
      image((i) => {
        i.spec.drill = { schedule: { cron: '@reboot' } };
      }),
    );
    expect(runRule(cronAndTimezone, files)).toEqual([
      {
        code: 'cron.invalid',
        severity: 'error',
        ...at(files, P, 'cron: 61 * * * *', '61'),
        path: 'spec.schedule.cron',
        message: 'backup cron "61 * * * *" is invalid: Constraint error, got value 61 expected range 0-59',
      },
      {
        code: 'cron.invalid',
        severity: 'error',
        ...at(files, P, 'cron: 30 2 * *\n', '30'),
        path: 'spec.prune.schedule.cron',
        message: expect.stringMatching(/^prune cron "30 2 \* \*" is invalid: expected 5 fields/),
      },
      {
        code: 'cron.invalid',
        severity: 'error',
        ...at(files, P, 'cron: 0 25 * * *', '0'),
        path: 'spec.check.schedule.cron',
        message: 'check cron "0 25 * * *" is invalid: Constraint error, got value 25 expected range 0-23',
      },
      {
        code: 'cron.invalid',
        severity: 'error',
        ...at(files, P, 'cron: nightly at four', 'nightly'),
        path: 'spec.offsite.schedule.cron',
        message: expect.stringMatching(/^offsite cron "nightly at four" is invalid: expected 5 fields/),
      },
      {
        code: 'cron.invalid',
        severity: 'error',
        ...at(files, P, 'cron: 0 1 31 2 *', '0'),
        path: 'spec.drill.schedule.cron',
        message: 'drill cron "0 1 31 2 *" is invalid: Invalid explicit day of month definition',
      },
      {
        code: 'cron.invalid',
        severity: 'error',
        ...at(files, I, 'cron: "@reboot"', '"'),
        path: 'spec.drill.schedule.cron',
        message: expect.stringMatching(/^drill cron "@reboot" is invalid: /),
      },
    ]);
  });

  it('cron.invalid: a reason quoting hostile text stays on one line', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.schedule.cron = '0 0 * * x\u001b[31m';
      }),
    );
    const [problem] = runRule(cronAndTimezone, files);
    expect(problem).toMatchObject({ code: 'cron.invalid', path: 'spec.schedule.cron' });
    expect([...(problem?.message ?? '')].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });

  it('timezone.invalid: the site zone and schedule zones of policies and images', () => {
    const files = inventoryFiles(
      site((s) => {
        s.spec.timezone = 'America/Chicgo';
      }),
      policy((p) => {
        p.spec.prune = { schedule: { cron: '30 2 * * 0', timezone: 'Mars/Olympus' } };
      }),
      image((i) => {
        i.spec.drill = { schedule: { cron: '0 23 * * 6', timezone: 'Central' } };
      }),
    );
    expect(runRule(cronAndTimezone, files)).toEqual([
      {
        code: 'timezone.invalid',
        severity: 'error',
        ...at(files, S, 'timezone: America/Chicgo', 'America'),
        path: 'spec.timezone',
        message: 'site time zone "America/Chicgo" is not an IANA zone',
      },
      {
        code: 'timezone.invalid',
        severity: 'error',
        ...at(files, P, 'timezone: Mars/Olympus', 'Mars'),
        path: 'spec.prune.schedule.timezone',
        message: 'prune time zone "Mars/Olympus" is not an IANA zone',
      },
      {
        code: 'timezone.invalid',
        severity: 'error',
        ...at(files, I, 'timezone: Central', 'Central'),
        path: 'spec.drill.schedule.timezone',
        message: 'drill time zone "Central" is not an IANA zone',
      },
    ]);
  });
});
