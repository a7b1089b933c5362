import { describe, expect, it } from 'vitest';
import { inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { retention } from './retention.js';

const P = 'policies/office-share.yaml';

describe('retention', () => {
  it('accepts the class minimum exactly, and more than it', () => {
    expect(runRule(retention, inventoryFiles())).toEqual([]);
    const generous = policy((p) => {
      p.spec.retention = { keepLast: 3, keepDaily: 30, keepWeekly: 8, keepMonthly: 24 };
    });
    expect(runRule(retention, inventoryFiles(site(), generous))).toEqual([]);
  });

  it('accepts a class that demands keepLast only', () => {
    const scratch = policy((p) => {
      p.spec.dataClass = 'scratch';
      p.spec.retention = { keepLast: 1 };
    });
    expect(runRule(retention, inventoryFiles(site(), scratch))).toEqual([]);
  });

  it('retention.empty: no keep rule at all (and every class minimum is then missing)', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.dataClass = 'workstation';
        p.spec.retention = {};
      }),
    );
    const where = at(files, P, 'retention: {}', '{');
    expect(runRule(retention, files)).toEqual([
      {
        code: 'retention.empty',
        severity: 'error',
        ...where,
        path: 'spec.retention',
        message: 'retention sets no keep rule: set at least one keep* key',
      },
      {
        code: 'retention.below-minimum',
        severity: 'error',
        ...where,
        path: 'spec.retention.keepDaily',
        message: 'keepDaily is missing: data class "workstation" needs at least 7',
      },
    ]);
  });

  it('retention.below-minimum: a value under the minimum, and a required key missing', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.dataClass = 'database';
        p.spec.retention = { keepDaily: 14, keepMonthly: 3 };
      }),
    );
    expect(runRule(retention, files)).toEqual([
      {
        code: 'retention.below-minimum',
        severity: 'error',
        ...at(files, P, 'keepDaily: 14', 'keepDaily'),
        path: 'spec.retention.keepWeekly',
        message: 'keepWeekly is missing: data class "database" needs at least 4',
      },
      {
        code: 'retention.below-minimum',
        severity: 'error',
        ...at(files, P, 'keepMonthly: 3', '3'),
        path: 'spec.retention.keepMonthly',
        message: 'keepMonthly is 3, below the minimum of 12 for data class "database"',
      },
    ]);
  });
});
