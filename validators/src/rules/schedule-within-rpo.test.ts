import { describe, expect, it } from 'vitest';
import { inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { scheduleWithinRpo } from './schedule-within-rpo.js';

const P = 'policies/office-share.yaml';

describe('schedule-within-rpo', () => {
  it('accepts an hourly backup with a 4h RPO, a policy without RPO, and leaves bad crons to cron-and-timezone', () => {
    expect(runRule(scheduleWithinRpo, inventoryFiles())).toEqual([]);
    const noRpo = policy((p) => {
      p.spec.schedule.cron = '0 2 * * 0';
      p.spec.objectives = { rto: '4h' };
    });
    expect(runRule(scheduleWithinRpo, inventoryFiles(site(), noRpo))).toEqual([]);
    const badCron = policy((p) => {
      p.spec.schedule.cron = '99 * * * *';
    });
    expect(runRule(scheduleWithinRpo, inventoryFiles(site(), badCron))).toEqual([]);
  });

  it('accepts a schedule whose longest gap equals the RPO', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.schedule.cron = '0 */4 * * *';
      }),
    );
    expect(runRule(scheduleWithinRpo, files)).toEqual([]);
  });

  it('schedule.exceeds-rpo: a daily backup against a 4h RPO', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.schedule.cron = '0 2 * * *';
      }),
    );
    expect(runRule(scheduleWithinRpo, files)).toEqual([
      {
        code: 'schedule.exceeds-rpo',
        severity: 'error',
        ...at(files, P, 'cron: 0 2 * * *', '0'),
        path: 'spec.schedule.cron',
        message: 'runs can be up to 1d apart, longer than the RPO of 4h',
      },
    ]);
  });

  it('schedule.exceeds-rpo: weekdays only leave a weekend gap longer than a 1d RPO', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.schedule.cron = '0 */4 * * 1-5';
        p.spec.objectives = { rpo: '1d', rto: '4h' };
      }),
    );
    expect(runRule(scheduleWithinRpo, files)).toEqual([
      {
        code: 'schedule.exceeds-rpo',
        severity: 'error',
        ...at(files, P, 'cron: 0 */4 * * 1-5', '0'),
        path: 'spec.schedule.cron',
        message: 'runs can be up to 2d 4h apart, longer than the RPO of 1d',
      },
    ]);
  });
});
