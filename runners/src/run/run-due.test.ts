import { checkRunRecord, type RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedgerIndex, readRunRecords } from '../ledger/index.js';
import { tempStateDir } from '../ledger/testing/records.js';
import { acquireRepositoryLock } from '../scheduler/index.js';
import { imageYaml, inventoryOf, policyYaml, siteYaml } from '../scheduler/testing/inventory.js';
import type { RunEvent } from './events.js';
import { planDue, runDue } from './run-due.js';
import { fakeJob, fakeRegistry, newTrace } from './testing/fake-jobs.js';

// The orchestration with stand-in jobs: order, retention after a failed backup, locks, crashes,
// cancellation, and that every end is a schema-valid record in the ledger (or a reported skip, never a fake).

const NOW = new Date('2025-01-15T12:00:00Z');

const everything = `  prune:
    schedule:
      cron: '0 3 * * 0'
  check:
    schedule:
      cron: '0 4 * * 0'
    subsets: 2
    readAllWithinDays: 30
  offsite:
    remote: cloud
    schedule:
      cron: '0 5 * * *'
  drill:
    schedule:
      cron: '0 6 * * 0'
    kind: sample
`;

const inventory = inventoryOf({
  sites: [siteYaml()],
  policies: [
    policyYaml({ name: 'alpha', cron: '0 2 * * *', path: 'shared', extra: everything }),
    // Same repository and prune: one prune serves both.
    policyYaml({
      name: 'beta',
      cron: '0 2 * * *',
      path: 'shared',
      extra: `  prune:
    schedule:
      cron: '0 3 * * 0'
`,
    }),
  ],
  images: [imageYaml({ name: 'kvm', cron: '0 6 * * 0' })],
});

const ORDER = [
  'backup:policy:alpha',
  'backup:policy:beta',
  'forget:policy:alpha',
  'forget:policy:beta',
  'prune:lisle/nas/shared:',
  'check:lisle/nas/shared:1/2',
  'sync:lisle/nas/shared>cloud',
  'drill:policy:alpha',
  'drill:image:kvm',
];

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

const base = () => ({
  inventory,
  site: 'lisle',
  now: NOW,
  stateDir: dir,
  sandboxDir: `${dir}/sandbox`,
  env: {},
  lockBackoff: { attempts: 3, initialDelayMs: 20, maxDelayMs: 50, factor: 2 },
});

const records = async (): Promise<RunRecord[]> => (await readRunRecords(dir, { site: 'lisle' })).records;

describe('runDue', () => {
  it('runs every due job once, in the scheduler order, and writes a valid record for each subject', async () => {
    const trace = newTrace();
    const events: RunEvent[] = [];
    const summary = await runDue({ ...base(), jobs: fakeRegistry(trace), onEvent: (e) => events.push(e) });
    expect(summary.jobs.map((j) => j.key)).toEqual(ORDER);
    expect(trace.steps.filter((s) => s.startsWith('start ')).map((s) => s.slice(6))).toEqual(ORDER);
    expect(summary.ok).toBe(true);
    expect(summary.counts).toEqual({ ok: ORDER.length });

    const written = await records();
    expect(written.every((r) => checkRunRecord(r).ok)).toBe(true);
    // The shared prune counts for both policies: one record each.
    const prunes = written.filter((r) => r.job === 'prune');
    expect(prunes.map((r) => r.policy).sort()).toEqual(['alpha', 'beta']);
    expect(new Set(prunes.map((r) => r.id)).size).toBe(2);
    expect(written).toHaveLength(ORDER.length + 1);
    expect(summary.jobs.find((j) => j.job === 'prune')?.records).toHaveLength(2);

    // Events: the decision first, progress tagged with the planned key, the summary last.
    expect(events[0]?.event).toBe('decision');
    expect(events.at(-1)?.event).toBe('summary');
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'job', key: 'backup:policy:alpha', type: 'progress', percent: 50 }),
    );
    expect(events.filter((e) => e.event === 'job-end')).toHaveLength(ORDER.length);

    // The ledger now answers the scheduler: the same tick finds nothing due.
    const index = await openLedgerIndex(dir, 'lisle');
    expect(index.lastSuccess({ policy: 'beta' }, 'prune')?.outcome).toBe('ok');
    const again = await runDue({ ...base(), jobs: fakeRegistry(newTrace()) });
    expect(again.jobs).toEqual([]);
    expect(again.ok).toBe(true);
  });

  it('skips the forget of a policy whose backup failed in this run, and runs the other', async () => {
    const trace = newTrace();
    const jobs = fakeRegistry(trace);
    jobs.backup = async (planned, context) =>
      fakeJob(trace, { outcome: planned.subjects[0]?.name === 'alpha' ? 'failed' : 'ok' })(planned, context);
    const summary = await runDue({ ...base(), jobs });
    const forgetAlpha = summary.jobs.find((j) => j.key === 'forget:policy:alpha');
    expect(forgetAlpha).toMatchObject({ outcome: 'skipped', records: [] });
    expect(forgetAlpha?.reason).toMatch(/backup of the policy ended failed: retention waits/);
    expect(summary.jobs.find((j) => j.key === 'forget:policy:beta')?.outcome).toBe('ok');
    expect(trace.steps).not.toContain('start forget:policy:alpha');
    expect((await records()).filter((r) => r.job === 'forget').map((r) => r.policy)).toEqual(['beta']);
    expect(summary.ok).toBe(false);
  });

  it('records a crash as a failed run with a one-line message and goes on with the next job', async () => {
    const trace = newTrace();
    const jobs = fakeRegistry(trace);
    jobs.check = fakeJob(trace, { throws: 'boom\n    at somewhere (file.ts:1:1)' });
    const summary = await runDue({ ...base(), jobs });
    const check = summary.jobs.find((j) => j.job === 'check');
    expect(check).toMatchObject({ outcome: 'failed', error: { code: 'internal.job-crashed' } });
    expect(check?.error?.message).toBe('Error: boom at somewhere (file.ts:1:1)');
    const written = (await records()).filter((r) => r.job === 'check');
    // The check served alpha only (beta has none): one record, by lifeboat itself.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ outcome: 'failed', tool: { name: 'lifeboat' }, policy: 'alpha' });
    expect(checkRunRecord(written[0]).ok).toBe(true);
    expect(summary.jobs.find((j) => j.job === 'sync')?.outcome).toBe('ok');
    expect(summary.ok).toBe(false);
  });

  it('refuses a record that is not of this run and writes a failed one instead', async () => {
    const trace = newTrace();
    const jobs = fakeRegistry(trace);
    jobs.sync = fakeJob(trace, {
      answer: (planned, context) => ({ ...{ job: planned.job, site: 'elsewhere' }, now: context.now() }),
    });
    const summary = await runDue({ ...base(), jobs });
    const sync = summary.jobs.find((j) => j.job === 'sync');
    expect(sync).toMatchObject({ outcome: 'failed', error: { code: 'internal.invalid-record' } });
    expect(sync?.error?.message).toMatch(/^the job's run record fails the schema/);
  });

  it('reports a job this build does not have as skipped, and writes no record for it', async () => {
    const trace = newTrace();
    const { 'image-drill': _absent, ...jobs } = fakeRegistry(trace);
    // The dry run says it first.
    const plan = await planDue({ inventory, site: 'lisle', now: NOW, stateDir: dir, jobs });
    expect(plan.view.due.find((p) => p.key === 'drill:image:kvm')?.runnable).toBe(false);
    expect(plan.view.due.find((p) => p.key === 'backup:policy:alpha')?.runnable).toBe(true);
    const summary = await runDue({ ...base(), jobs });
    const drill = summary.jobs.find((j) => j.key === 'drill:image:kvm');
    expect(drill).toMatchObject({ outcome: 'skipped', records: [] });
    expect(drill?.reason).toMatch(/no "image-drill" job: nothing was run or recorded/);
    expect((await records()).some((r) => r.image === 'kvm')).toBe(false);
    expect(summary.ok).toBe(false);
  });

  it('on cancellation records the running job as cancelled and starts nothing after it', async () => {
    const trace = newTrace();
    const controller = new AbortController();
    const jobs = fakeRegistry(trace);
    // The backup of beta is interrupted by the signal; its tool reports a plain failure.
    jobs.backup = async (planned, context) => {
      if (planned.subjects[0]?.name === 'beta') setTimeout(() => controller.abort(), 20);
      return fakeJob(trace, { workMs: planned.subjects[0]?.name === 'beta' ? 10_000 : 5, failOnAbort: true })(
        planned,
        context,
      );
    };
    const summary = await runDue({ ...base(), jobs, signal: controller.signal });
    expect(summary.cancelled).toBe(true);
    expect(summary.jobs.map((j) => j.outcome)).toEqual([
      'ok',
      'cancelled',
      ...ORDER.slice(2).map(() => 'not-started'),
    ]);
    expect(summary.jobs[1]?.error?.code).toBe('run.cancelled');
    const written = await records();
    expect(written.map((r) => `${r.job} ${r.policy} ${r.outcome}`).sort()).toEqual([
      'backup alpha ok',
      'backup beta cancelled',
    ]);
    expect(trace.steps.filter((s) => s.startsWith('start'))).toHaveLength(2);
  });

  it('waits for another process holding the repository lock, then runs', async () => {
    const held = await acquireRepositoryLock('lisle/nas/shared', {
      stateDir: dir,
      job: 'restore (other process)',
    });
    if (!held.acquired) throw new Error('test lock not taken');
    const events: RunEvent[] = [];
    // Release once the run has met the lock (a fixed 40 ms timer could fire before a slow start ever saw it), and
    // give the backoff room for the release to land on a loaded machine.
    let released: Promise<void> | undefined;
    const summary = await runDue({
      ...base(),
      jobs: fakeRegistry(newTrace()),
      lockBackoff: { attempts: 10, initialDelayMs: 20, maxDelayMs: 500, factor: 2 },
      onEvent: (e) => {
        events.push(e);
        if (e.event === 'lock-wait') released ??= held.lock.release();
      },
    });
    await released;
    expect(
      events.some((e) => e.event === 'lock-wait' && /restore \(other process\)/.test(e.holder ?? '')),
    ).toBe(true);
    expect(summary.jobs[0]?.outcome).toBe('ok');
    expect(summary.ok).toBe(true);
  });

  it('gives up after the bounded backoff with a locked record per subject', async () => {
    const held = await acquireRepositoryLock('lisle/nas/shared', {
      stateDir: dir,
      job: 'prune (other process)',
    });
    if (!held.acquired) throw new Error('test lock not taken');
    try {
      const trace = newTrace();
      const summary = await runDue({ ...base(), jobs: fakeRegistry(trace) });
      const onShared = summary.jobs.filter((j) => j.repository === 'lisle/nas/shared');
      expect(onShared.length).toBeGreaterThan(0);
      for (const j of onShared) {
        if (j.job === 'forget') {
          expect(j.outcome).toBe('skipped');
          continue;
        }
        expect(j.outcome, j.key).toBe('locked');
        expect(j.error?.message).toMatch(/held by pid \d+ .*prune \(other process\)/);
      }
      // The image lives in another repository and still ran.
      expect(summary.jobs.find((j) => j.key === 'drill:image:kvm')?.outcome).toBe('ok');
      expect(trace.steps).toEqual(['start drill:image:kvm', 'end drill:image:kvm']);
      const locked = (await records()).filter((r) => r.outcome === 'locked');
      expect(locked.find((r) => r.job === 'prune' && r.policy === 'beta')?.error?.code).toBe(
        'run.repository-locked',
      );
    } finally {
      await held.lock.release();
    }
  });

  it('serialises jobs of two runs in one process on the same repository', async () => {
    const trace = newTrace();
    const jobs = fakeRegistry(trace, { workMs: 15 });
    const [a, b] = await Promise.all([runDue({ ...base(), jobs }), runDue({ ...base(), jobs })]);
    expect(trace.maxOverlap).toBe(1);
    expect(a.jobs.length + b.jobs.length).toBeGreaterThan(0);
  });

  it('says when the site is not in the inventory, and runs nothing', async () => {
    const summary = await runDue({ ...base(), site: 'nowhere', jobs: fakeRegistry(newTrace()) });
    expect(summary.error).toBe('site "nowhere" is not in the inventory');
    expect(summary.ok).toBe(false);
    expect(await records()).toEqual([]);
  });
});
