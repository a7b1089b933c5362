import { describe, expect, it } from 'vitest';
import { finishRun, notStartable, startRun } from './job-record.js';
import { contextOf, inventoryOf, plannedOf, siteDoc } from './testing/restic-site.js';

const inventory = inventoryOf([siteDoc({ repository: '/srv/restic' })], []);

describe('run records of the restic jobs', () => {
  it('carry the run’s id, times and the on-demand fields; drop empty and non-finite stats', () => {
    let t = Date.parse('2026-03-01T10:00:00Z');
    const { context, events } = contextOf({
      inventory,
      stateDir: '/tmp',
      sandboxDir: '/tmp',
      now: () => new Date(t),
    });
    context.requester = 'U05KS1PN4T2';
    context.links = { slackThread: 'https://slack.example/archives/C1/p1' };
    const run = startRun(context, 'restore', 'share');
    t -= 5_000; // the clock stepped back: the record still never ends before it starts
    const record = finishRun(context, run, {
      policy: 'share',
      tool: { name: 'restic', version: '0.14.0' },
      outcome: 'ok',
      stats: { bytes: 10, gone: undefined, nan: Number.NaN, flag: false },
    });
    expect(record).toMatchObject({
      job: 'restore',
      site: 'lisle',
      policy: 'share',
      startedAt: '2026-03-01T10:00:00.000Z',
      endedAt: '2026-03-01T10:00:00.000Z',
      requester: 'U05KS1PN4T2',
      links: { slackThread: 'https://slack.example/archives/C1/p1' },
      stats: { bytes: 10, flag: false },
    });
    expect(record.id).toMatch(/^20260301T100000000Z-[0-9a-f]{12}$/);
    expect(Object.keys(record.stats ?? {})).toEqual(['bytes', 'flag']);
    expect(events.map((e) => [e.type, e.job, e.subject])).toEqual([
      ['start', 'restore', 'share'],
      ['end', 'restore', 'share'],
    ]);
  });

  it('throws on a record the schema refuses (a bug, not an outcome)', () => {
    const { context } = contextOf({ inventory, stateDir: '/tmp', sandboxDir: '/tmp' });
    context.requester = 'not-a-slack-id';
    const run = startRun(context, 'restore', 'share');
    expect(() =>
      finishRun(context, run, { tool: { name: 'restic', version: '0.14.0' }, outcome: 'ok' }),
    ).toThrow(/requester/);
  });

  it('a heavy job starts inside its open window, not after it closed; never when not due or of another kind', () => {
    const now = Date.parse('2026-03-01T03:00:00Z');
    const { context } = contextOf({
      inventory,
      stateDir: '/tmp',
      sandboxDir: '/tmp',
      now: () => new Date(now),
    });
    const open = plannedOf('check', 'share', { window: { name: 'nightly', end: new Date(now + 60_000) } });
    expect(notStartable(open, 'check', context)).toBeUndefined();
    const closed = plannedOf('check', 'share', { window: { name: 'nightly', end: new Date(now) } });
    expect(notStartable(closed, 'check', context)?.error.code).toBe('job.window-closed');
    expect(
      notStartable(plannedOf('check', 'share', { status: 'waiting-for-window' }), 'check', context)?.error
        .code,
    ).toBe('job.not-due');
    expect(notStartable(open, 'prune', context)?.error.code).toBe('job.wrong-kind');
  });
});
