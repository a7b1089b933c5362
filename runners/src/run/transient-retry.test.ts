import { checkRunRecord, type RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobFn } from '../jobs/job.js';
import { readRunRecords } from '../ledger/index.js';
import { tempStateDir } from '../ledger/testing/records.js';
import { inventoryOf, policyYaml, siteYaml } from '../scheduler/testing/inventory.js';
import type { RunEvent } from './events.js';
import { runDue } from './run-due.js';
import { fakeJob, fakeRegistry, newTrace } from './testing/fake-jobs.js';
import { isTransientFailure, withTransientRetry } from './transient-retry.js';

// A job that could not reach its repository is tried again within the tick; anything else is not.

const FAST = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20, factor: 2 };
const UNREACHABLE = {
  code: 'restic.unreachable',
  message: 'repository unreachable: dial tcp 127.0.0.1:8000: connect: connection refused',
};

const record = (over: Partial<RunRecord> = {}): RunRecord => ({
  apiVersion: 'lifeboat/v1',
  kind: 'RunRecord',
  id: '20250115T120000Z-backup-abcdef',
  job: 'backup',
  site: 'lisle',
  policy: 'alpha',
  startedAt: '2025-01-15T12:00:00.000Z',
  endedAt: '2025-01-15T12:00:01.000Z',
  durationSeconds: 1,
  tool: { name: 'restic', version: '0.14.0' },
  outcome: 'ok',
  ...over,
});
const unreachable = (over: Partial<RunRecord> = {}) =>
  record({ outcome: 'failed', error: { ...UNREACHABLE }, ...over });

/** Answers with `answers` in turn (the last one again when they run out) and counts the calls. */
const scripted = (answers: RunRecord[]) => {
  let calls = 0;
  return {
    call: async () => answers[Math.min(calls++, answers.length - 1)] as RunRecord,
    calls: () => calls,
  };
};

describe('isTransientFailure', () => {
  it('is a failed scheduled job that could not reach its repository', () => {
    expect(isTransientFailure(unreachable())).toBe(true);
    expect(isTransientFailure(unreachable({ job: 'check' }))).toBe(true);
  });
  it.each([
    ['a success', record()],
    [
      'another failure',
      record({ outcome: 'failed', error: { code: 'restic.wrong-password', message: 'x' } }),
    ],
    ['a lock conflict', unreachable({ outcome: 'locked' })],
    ['an on-demand restore', unreachable({ job: 'restore' })],
    ['an image capture', unreachable({ job: 'image-capture' })],
  ])('is not %s', (_what, r) => {
    expect(isTransientFailure(r)).toBe(false);
  });
});

describe('withTransientRetry', () => {
  it('tries again after a pause and says so in the stats of the record that succeeded', async () => {
    const s = scripted([unreachable(), record({ stats: { files_new: 3 } })]);
    const retries: unknown[] = [];
    const r = await withTransientRetry(s.call, { backoff: FAST, onRetry: (x) => retries.push(x) });
    expect(s.calls()).toBe(2);
    expect(r.outcome).toBe('ok');
    expect(r.error).toBeUndefined();
    expect(r.stats).toEqual({ files_new: 3, transient_retries: 1, transient_codes: 'restic.unreachable' });
    expect(retries).toEqual([{ attempt: 2, delayMs: 5, ...UNREACHABLE }]);
    expect(checkRunRecord(r).ok).toBe(true);
  });

  it('gives up after the last try and answers with that failure, marked as such', async () => {
    const s = scripted([unreachable()]);
    const r = await withTransientRetry(s.call, { backoff: FAST });
    expect(s.calls()).toBe(3);
    expect(r).toMatchObject({
      outcome: 'failed',
      error: { code: 'restic.unreachable', message: `${UNREACHABLE.message} (try 3 of 3)` },
      stats: { transient_retries: 2, transient_codes: 'restic.unreachable,restic.unreachable' },
    });
    expect(checkRunRecord(r).ok).toBe(true);
  });

  it('returns any other answer as it is, after one call', async () => {
    for (const answer of [
      record(),
      record({ outcome: 'failed', error: { code: 'restic.failed', message: 'x' } }),
    ]) {
      const s = scripted([answer, record()]);
      expect(await withTransientRetry(s.call, { backoff: FAST })).toBe(answer);
      expect(s.calls()).toBe(1);
    }
  });

  it('does not try again once cancelled, not even after the pause it was in', async () => {
    const controller = new AbortController();
    const s = scripted([unreachable(), record()]);
    const r = await withTransientRetry(s.call, {
      backoff: { ...FAST, initialDelayMs: 10_000 },
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    expect(s.calls()).toBe(1);
    expect(r.outcome).toBe('failed');
  });

  it('with one attempt, never retries', async () => {
    const s = scripted([unreachable(), record()]);
    expect((await withTransientRetry(s.call, { backoff: { ...FAST, attempts: 1 } })).outcome).toBe('failed');
    expect(s.calls()).toBe(1);
  });
});

describe('runDue with a repository that is briefly unreachable', () => {
  const inventory = inventoryOf({
    sites: [siteYaml()],
    policies: [policyYaml({ name: 'alpha', cron: '0 2 * * *' })],
  });
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStateDir());
  });
  afterEach(() => cleanup());

  /** The backup fails `failures` times with restic.unreachable, then answers as a normal job. */
  const flakyBackup = (failures: number) => {
    const trace = newTrace();
    let calls = 0;
    const ok = fakeJob(trace);
    const backup: JobFn = async (planned, context) => {
      const r = await ok(planned, context);
      return calls++ < failures ? { ...r, outcome: 'failed', error: { ...UNREACHABLE } } : r;
    };
    return { jobs: { ...fakeRegistry(trace), backup }, calls: () => calls };
  };
  const base = () => ({
    inventory,
    site: 'lisle',
    now: new Date('2025-01-15T12:00:00Z'),
    stateDir: dir,
    sandboxDir: `${dir}/sandbox`,
    env: {},
    lockBackoff: { attempts: 2, initialDelayMs: 5, maxDelayMs: 5, factor: 1 },
  });

  it('retries the backup within the tick, writes one record that says so, and then runs its forget', async () => {
    const flaky = flakyBackup(1);
    const events: RunEvent[] = [];
    const summary = await runDue({
      ...base(),
      jobs: flaky.jobs,
      transientRetry: FAST,
      onEvent: (e) => events.push(e),
    });
    expect(flaky.calls()).toBe(2);
    expect(summary.ok).toBe(true);
    expect(summary.jobs.map((j) => `${j.job} ${j.outcome}`)).toEqual(['backup ok', 'forget ok']);
    const { records } = await readRunRecords(dir, { site: 'lisle' });
    const backups = records.filter((r) => r.job === 'backup');
    expect(backups).toHaveLength(1);
    expect(backups[0]?.stats).toMatchObject({ transient_retries: 1, transient_codes: 'restic.unreachable' });
    expect(events).toContainEqual(
      expect.objectContaining({
        event: 'note',
        key: 'backup:policy:alpha',
        message: expect.stringMatching(
          /^restic\.unreachable: trying again in 0s \(try 2\): repository unreachable/,
        ),
      }),
    );
  });

  it('fails the backup after the last try, and retention waits', async () => {
    const flaky = flakyBackup(10);
    const summary = await runDue({ ...base(), jobs: flaky.jobs, transientRetry: FAST });
    expect(flaky.calls()).toBe(3);
    expect(summary.jobs.map((j) => `${j.job} ${j.outcome}`)).toEqual(['backup failed', 'forget skipped']);
    expect(summary.jobs[0]?.error?.message).toMatch(/\(try 3 of 3\)$/);
  });

  it('does not retry when told not to', async () => {
    const flaky = flakyBackup(1);
    const summary = await runDue({ ...base(), jobs: flaky.jobs, transientRetry: false });
    expect(flaky.calls()).toBe(1);
    expect(summary.jobs[0]?.outcome).toBe('failed');
  });
});
