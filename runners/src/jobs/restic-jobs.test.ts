import { describe, expect, it } from 'vitest';
import { RESTIC_JOBS } from './restic-jobs.js';
import { contextOf, inventoryOf, plannedOf, policyDoc, siteDoc } from './testing/restic-site.js';

describe('RESTIC_JOBS', () => {
  it('has one job per scheduled restic job, each refusing a planned job of another kind', async () => {
    expect(Object.keys(RESTIC_JOBS).sort()).toEqual(['backup', 'check', 'drill', 'forget', 'prune', 'sync']);
    const inventory = inventoryOf(
      [siteDoc({ repository: '/srv/restic' })],
      [policyDoc({ name: 'share', sources: ['/srv'] })],
    );
    const { context } = contextOf({ inventory, stateDir: '/tmp', sandboxDir: '/tmp' });
    for (const [name, job] of Object.entries(RESTIC_JOBS)) {
      const other = name === 'backup' ? 'check' : 'backup';
      const record = await job(plannedOf(other, 'share'), context);
      expect([record.job, record.outcome, record.error?.code]).toEqual([name, 'failed', 'job.wrong-kind']);
    }
  });
});
