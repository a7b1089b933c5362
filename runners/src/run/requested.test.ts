import { checkRunRecord, type RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunRecords } from '../ledger/index.js';
import { tempStateDir } from '../ledger/testing/records.js';
import { imageYaml, inventoryOf, policyYaml, siteYaml } from '../scheduler/testing/inventory.js';
import { type RequestOptions, type RestoreFn, type RestoreRequest, runRequested } from './requested.js';
import { fakeRegistry, newTrace } from './testing/fake-jobs.js';

// Drills and restores on request: the YAML's rules are enforced again at the runner, and the record carries
// the requester and approver.

const restoreRules = (approval: string, allowInPlace: boolean) => `  restore:
    approval: ${approval}
    alternateTarget: /srv/restore
    allowInPlace: ${allowInPlace}
    approvers: [UAPPROVER1]
`;

const inventory = inventoryOf({
  sites: [siteYaml()],
  policies: [
    policyYaml({ name: 'alpha', cron: '0 2 * * *', extra: restoreRules('in-place-only', true) }),
    policyYaml({ name: 'locked-down', cron: '0 2 * * *', extra: restoreRules('required', false) }),
    policyYaml({ name: 'elsewhere', site: 'portage', cron: '0 2 * * *' }),
  ],
  images: [imageYaml({ name: 'kvm', cron: '0 6 * * 0' })],
});

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

const seen: RestoreRequest[] = [];
const fakeRestore: RestoreFn = async (request, context) => {
  seen.push(request);
  const started = context.now();
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'RunRecord',
    id: `restore-${request.requestId}`,
    job: 'restore',
    site: context.site.value.metadata.name,
    policy: request.subject.name,
    startedAt: started.toISOString(),
    endedAt: context.now().toISOString(),
    durationSeconds: 0,
    tool: { name: 'fake', version: '1.0.0' },
    outcome: 'ok',
    ...(context.requester === undefined ? {} : { requester: context.requester }),
    ...(context.approver === undefined ? {} : { approver: context.approver }),
  };
};

const options = (request: RequestOptions['request']): RequestOptions => ({
  inventory,
  site: 'lisle',
  stateDir: dir,
  sandboxDir: `${dir}/sandbox`,
  env: {},
  jobs: fakeRegistry(newTrace()),
  restores: { restore: fakeRestore },
  request,
});

const records = async (): Promise<RunRecord[]> => (await readRunRecords(dir, { site: 'lisle' })).records;

describe('runRequested', () => {
  it('runs a drill now, whatever its schedule, with the requester on the record', async () => {
    const summary = await runRequested(
      options({
        job: 'drill',
        subject: { kind: 'image', name: 'kvm' },
        id: 'req-1',
        requester: 'UREQUEST01',
      }),
    );
    expect(summary.ok).toBe(true);
    expect(summary.jobs[0]).toMatchObject({ key: 'drill:image:kvm', outcome: 'ok' });
    expect(summary.jobs[0]?.reason).toBe('requested by UREQUEST01 (request "req-1")');
    const [record] = await records();
    expect(record).toMatchObject({ job: 'drill', image: 'kvm' });
    expect(checkRunRecord(record).ok).toBe(true);
  });

  it('passes a restore to the restore job and records who asked and who approved', async () => {
    seen.length = 0;
    const summary = await runRequested(
      options({
        job: 'restore',
        subject: { kind: 'policy', name: 'alpha' },
        id: 'req-2',
        requester: 'UREQUEST01',
        approver: 'UAPPROVER1',
        restore: { snapshot: 'latest', paths: ['/srv/alpha/a.txt'], target: 'in-place' },
      }),
    );
    expect(summary.ok).toBe(true);
    expect(seen).toEqual([
      {
        subject: { kind: 'policy', name: 'alpha' },
        repository: { site: 'lisle', target: 'nas', path: 'alpha' },
        snapshot: 'latest',
        paths: ['/srv/alpha/a.txt'],
        target: 'in-place',
        requestId: 'req-2',
      },
    ]);
    expect(await records()).toEqual([
      expect.objectContaining({ job: 'restore', requester: 'UREQUEST01', approver: 'UAPPROVER1' }),
    ]);
  });

  it.each([
    [
      'an in-place restore the policy does not allow',
      {
        subject: { kind: 'policy' as const, name: 'locked-down' },
        approver: 'UAPPROVER1',
        target: 'in-place' as const,
      },
      /does not allow in-place restores/,
    ],
    [
      'a restore without the approver the policy requires',
      { subject: { kind: 'policy' as const, name: 'locked-down' }, target: 'alternate' as const },
      /requires an approver/,
    ],
    [
      'a requester approving their own in-place restore',
      {
        subject: { kind: 'policy' as const, name: 'alpha' },
        approver: 'UREQUEST01',
        target: 'in-place' as const,
      },
      /may not approve their own in-place restore/,
    ],
    [
      "another site's policy",
      { subject: { kind: 'policy' as const, name: 'elsewhere' }, target: 'alternate' as const },
      /belongs to site "portage", not "lisle"/,
    ],
  ])('refuses %s and runs nothing', async (_name, spec, message) => {
    seen.length = 0;
    const summary = await runRequested(
      options({
        job: 'restore',
        subject: spec.subject,
        id: 'req-3',
        requester: 'UREQUEST01',
        ...('approver' in spec ? { approver: spec.approver } : {}),
        restore: { snapshot: 'latest', paths: [], target: spec.target },
      }),
    );
    expect(summary.error).toMatch(message);
    expect(summary.ok).toBe(false);
    expect(seen).toEqual([]);
    expect(await records()).toEqual([]);
  });

  it('says so when this build has no restore job, and records nothing', async () => {
    const summary = await runRequested({
      ...options({
        job: 'restore',
        subject: { kind: 'policy', name: 'alpha' },
        id: 'req-4',
        restore: { snapshot: 'latest', paths: [], target: 'alternate' },
      }),
      restores: {},
    });
    expect(summary.error).toBe('this build of lifeboat has no "restore" job: nothing was run');
    expect(await records()).toEqual([]);
  });
});
