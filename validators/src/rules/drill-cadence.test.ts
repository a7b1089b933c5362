import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, policy, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { drillCadence } from './drill-cadence.js';

describe('drill-cadence', () => {
  it('accepts an RTO with a drill, and no RTO without one', () => {
    expect(runRule(drillCadence, inventoryFiles())).toEqual([]);
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.objectives = { rpo: '4h' };
        p.spec.drill = undefined;
      }),
      image((i) => {
        i.spec.objectives = undefined;
        i.spec.drill = undefined;
      }),
    );
    expect(runRule(drillCadence, files)).toEqual([]);
  });

  it('drill.missing: a policy and an image with an RTO and no drill', () => {
    const files = inventoryFiles(
      site(),
      policy((p) => {
        p.spec.objectives = { rpo: '4h', rto: '1d12h' };
        p.spec.drill = undefined;
      }),
      image((i) => {
        i.spec.drill = undefined;
      }),
    );
    expect(runRule(drillCadence, files)).toEqual([
      {
        code: 'drill.missing',
        severity: 'error',
        ...at(files, 'policies/office-share.yaml', 'rto: 1d12h', '1d12h'),
        path: 'spec.objectives.rto',
        message: 'an RTO of 1d 12h is set but no drill proves it: add spec.drill',
      },
      {
        code: 'drill.missing',
        severity: 'error',
        ...at(files, 'images/ws-golden.yaml', 'rto: 8h', '8h'),
        path: 'spec.objectives.rto',
        message: 'an RTO of 8h is set but no drill proves it: add spec.drill',
      },
    ]);
  });
});
