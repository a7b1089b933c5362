import { describe, expect, it } from 'vitest';
import { inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { checkCoverage } from './check-coverage.js';

const P = 'policies/office-share.yaml';

describe('check-coverage', () => {
  it('accepts 7 daily subsets within 7 days, and a non-critical policy without check', () => {
    expect(runRule(checkCoverage, inventoryFiles())).toEqual([]);
    const scratch = policy((p) => {
      p.spec.dataClass = 'scratch';
      p.spec.check = undefined;
    });
    expect(runRule(checkCoverage, inventoryFiles(site(), scratch))).toEqual([]);
  });

  it('check.coverage: 14 daily subsets cannot read everything within 7 days', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.check = { schedule: { cron: '0 3 * * *' }, subsets: 14, readAllWithinDays: 7 };
      }),
    );
    expect(runRule(checkCoverage, files)).toEqual([
      {
        code: 'check.coverage',
        severity: 'error',
        ...at(files, P, 'readAllWithinDays: 7', '7'),
        path: 'spec.check.readAllWithinDays',
        message:
          'reading every pack takes up to 14 days (14 subsets, checks up to 1 day apart), longer than readAllWithinDays 7',
      },
    ]);
  });

  it('check.coverage: a weekly check with 5 subsets takes 35 days, over a 30-day promise', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.check = { schedule: { cron: '0 3 * * 0' }, subsets: 5, readAllWithinDays: 30 };
      }),
    );
    expect(runRule(checkCoverage, files)).toMatchObject([
      {
        code: 'check.coverage',
        ...at(files, P, 'readAllWithinDays: 30', '30'),
        path: 'spec.check.readAllWithinDays',
        message:
          'reading every pack takes up to 35 days (5 subsets, checks up to 7 days apart), longer than readAllWithinDays 30',
      },
    ]);
  });

  it('check.coverage (warning): a critical data class with no check at all', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.check = undefined;
      }),
    );
    expect(runRule(checkCoverage, files)).toEqual([
      {
        code: 'check.coverage',
        severity: 'warning',
        ...at(files, P, 'spec:\n  site: lisle', 'site'),
        path: 'spec.check',
        message:
          'data class "office-share" is critical but the policy has no check: corruption would only show at restore time; add spec.check',
      },
    ]);
  });
});
