import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { threeTwoOne } from './three-two-one.js';

const P = 'policies/office-share.yaml';
const I = 'images/ws-golden.yaml';

describe('three-two-one', () => {
  it('accepts a critical policy with an offsite copy, a non-critical one without, and an image with NAS + offsite', () => {
    expect(runRule(threeTwoOne, inventoryFiles())).toEqual([]);
    const workstation = policy((p) => {
      p.spec.dataClass = 'workstation';
      p.spec.offsite = undefined;
    });
    expect(runRule(threeTwoOne, inventoryFiles(site(), workstation))).toEqual([]);
  });

  it('durability.3-2-1: a critical data class without offsite copy', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.dataClass = 'firmware-config';
        p.spec.offsite = undefined;
      }),
    );
    expect(runRule(threeTwoOne, files)).toEqual([
      {
        code: 'durability.3-2-1',
        severity: 'error',
        // spec.offsite does not exist: the problem sits at the start of spec.
        ...at(files, P, 'spec:\n  site: lisle', 'site'),
        path: 'spec.offsite',
        message:
          'data class "firmware-config" is critical: it needs at least 2 copies with 1 offsite, but this policy keeps only its NAS repository; add spec.offsite',
      },
    ]);
  });

  it('durability.3-2-1: an image with only its primary store', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.stores.offsite = undefined;
      }),
    );
    expect(runRule(threeTwoOne, files)).toEqual([
      {
        code: 'durability.3-2-1',
        severity: 'error',
        ...at(files, I, 'stores:\n    primary', 'primary'),
        path: 'spec.stores',
        message: 'image has 1 copy, 0 offsite: it needs at least 2 copies with 1 offsite; add stores.offsite',
      },
    ]);
  });

  it('durability.3-2-1: two stores on site are still no offsite copy, and a repeated store is one copy', () => {
    const twoOnSite = inventoryFiles(
      site(),
      image((i) => {
        i.spec.stores.replicas = [{ site: 'lisle', target: 'nas1', path: 'images/replica' }];
        i.spec.stores.offsite = undefined;
      }),
    );
    expect(runRule(threeTwoOne, twoOnSite)).toMatchObject([
      {
        code: 'durability.3-2-1',
        ...at(twoOnSite, I, 'stores:\n    primary', 'primary'),
        path: 'spec.stores',
        message: expect.stringMatching(/^image has 2 copies, 0 offsite/),
      },
    ]);
    const repeated = inventoryFiles(
      site(),
      image((i) => {
        i.spec.stores.replicas = [{ ...i.spec.stores.primary }];
        i.spec.stores.offsite = undefined;
      }),
    );
    expect(runRule(threeTwoOne, repeated)).toMatchObject([
      {
        code: 'durability.3-2-1',
        ...at(repeated, I, 'stores:\n    primary', 'primary'),
        path: 'spec.stores',
        message: expect.stringMatching(/^image has 1 copy, 0 offsite/),
      },
    ]);
  });
});
