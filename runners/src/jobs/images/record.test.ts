import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { beginImageJob, endImageJob } from './record.js';
import { imageContext, imageInventory, imagePlanned } from './testing/image-fixtures.js';

const disk = {
  path: '/srv/images/kvm.img',
  table: 'mbr' as const,
  partitions: [
    {
      number: 1,
      name: 'root',
      filesystem: 'ext4' as const,
      startBytes: 1048576,
      sizeBytes: 16 * 1048576,
      image: '',
    },
  ],
};
const inventory = imageInventory('/mnt/nas', [{ name: 'kvm', disk }]);
const dirs = { stateDir: '/nonexistent/state', sandboxDir: '/nonexistent/sandbox' };

describe('image job records', () => {
  it('an image not in the inventory ends in a valid failed record, without a start event', async () => {
    const context = imageContext(inventory, dirs);
    const begun = await beginImageJob('image-capture', imagePlanned('ghost'), context);
    expect(begun.ok).toBe(false);
    if (begun.ok) return;
    expect(checkRunRecord(begun.record).ok).toBe(true);
    expect(begun.record).toMatchObject({
      job: 'image-capture',
      site: 'lisle',
      image: 'ghost',
      outcome: 'failed',
      error: { code: 'image.not-found', message: 'image "ghost" is not in the inventory' },
      tool: { name: 'partclone', version: '0.3.23' },
    });
    expect(context.events).toEqual([]);
  });

  it('carries requester, approver and links; times never run backwards; start and end events', async () => {
    let clock = Date.parse('2026-03-01T12:00:00Z');
    const context = imageContext(inventory, dirs, {
      requester: 'U05KR8M0L5N',
      approver: 'U05KV4TR33D',
      links: { workflowRun: 'https://github.com/o/r/actions/runs/1' },
      // A clock stepping back must not give endedAt < startedAt.
      now: () => {
        clock -= 1000;
        return new Date(clock);
      },
    });
    const begun = await beginImageJob('image-restore', imagePlanned('kvm'), context);
    if (!begun.ok) throw new Error('not begun');
    const record = endImageJob(begun.run, {
      outcome: 'ok',
      stats: { version: '1.0.0' },
      verification: { passed: true, method: 'test' },
    });
    expect(checkRunRecord(record)).toEqual({ ok: true, record });
    expect(record).toMatchObject({
      job: 'image-restore',
      image: 'kvm',
      requester: 'U05KR8M0L5N',
      approver: 'U05KV4TR33D',
      links: { workflowRun: 'https://github.com/o/r/actions/runs/1' },
      startedAt: '2026-03-01T11:59:59.000Z',
      endedAt: '2026-03-01T11:59:59.000Z',
    });
    expect(context.events.map((e) => [e.type, e.job, e.subject])).toEqual([
      ['start', 'image-restore', 'kvm'],
      ['end', 'image-restore', 'kvm'],
    ]);
  });
});
