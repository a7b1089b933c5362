import { describe, expect, it } from 'vitest';
import type { JobSummary, RunEvent } from './events.js';
import { bar, printable, progressReporter, renderSummaryTable } from './terminal.js';

// What people see: a bar redrawn in place on a terminal, plain lines in a log, escaped tool text.

const subjects = [{ kind: 'policy' as const, name: 'alpha' }];
const start: RunEvent = {
  event: 'job-start',
  key: 'backup:policy:alpha',
  job: 'backup',
  subjects,
  repository: 'lisle/nas/alpha',
  index: 1,
  total: 2,
  at: '2025-01-15T12:00:00.000Z',
};
const progress = (percent: number): RunEvent => ({
  event: 'job',
  key: 'backup:policy:alpha',
  type: 'progress',
  job: 'backup',
  subject: 'alpha',
  percent,
  bytesDone: percent * 1024 * 1024,
  bytesTotal: 100 * 1024 * 1024,
});
const ended: JobSummary = {
  key: 'backup:policy:alpha',
  job: 'backup',
  subjects,
  repository: 'lisle/nas/alpha',
  outcome: 'failed',
  durationSeconds: 120,
  reason: 'scheduled',
  error: { code: 'restic.unreachable', message: 'dial tcp\u001b[31m refused' },
  records: ['x'],
  recordFiles: ['/tmp/x.json'],
};

const collect = (tty: boolean) => {
  const chunks: string[] = [];
  let t = 0;
  const report = progressReporter({ write: (s) => chunks.push(s) }, { tty, clock: () => (t += 1000) });
  return { chunks, report };
};

describe('progressReporter', () => {
  it('on a terminal draws and redraws one bar in place, then ends it with a line', () => {
    const { chunks, report } = collect(true);
    for (const e of [start, progress(25), progress(100), { event: 'job-end', ...ended } as RunEvent])
      report(e);
    const text = chunks.join('');
    expect(text).toContain('[1/2] backup alpha  [......');
    expect(text).toContain(`${bar(25)}  25.0 MiB / 100.0 MiB`);
    expect(text.split('\r\u001b[2K').length - 1).toBe(3);
    expect(
      text.endsWith('FAILED    backup alpha in 2m — restic.unreachable: dial tcp\\u001b[31m refused\n'),
    ).toBe(true);
  });

  it('in a log writes no bar, only whole lines', () => {
    const { chunks, report } = collect(false);
    for (const e of [start, progress(50), { event: 'job-end', ...ended } as RunEvent]) report(e);
    expect(chunks).toEqual([
      'FAILED    backup alpha in 2m — restic.unreachable: dial tcp\\u001b[31m refused\n',
    ]);
  });
});

describe('bar and tables', () => {
  it('fills the bar in proportion and clamps', () => {
    expect(bar(50, 10)).toBe('[#####.....]  50%');
    expect(bar(150, 4)).toBe('[####] 100%');
    expect(bar(-3, 4)).toBe('[....]   0%');
  });

  it('escapes control characters and bounds length', () => {
    expect(printable('a\nb\u0007c')).toBe('a\\nb\\u0007c');
    expect(printable('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('summarises a run with one row per job', () => {
    const text = renderSummaryTable({
      site: 'lisle',
      now: '2025-01-15T12:00:00.000Z',
      startedAt: '2025-01-15T12:00:00.000Z',
      endedAt: '2025-01-15T12:02:00.000Z',
      jobs: [
        ended,
        {
          ...ended,
          key: 'forget:policy:alpha',
          job: 'forget',
          outcome: 'skipped',
          reason: 'backup failed',
          error: undefined,
        },
      ],
      waiting: [],
      skipped: [],
      cancelled: false,
      ok: false,
      counts: { failed: 1, skipped: 1 },
    });
    expect(text.split('\n')[0]).toMatch(/^OUTCOME\s+JOB\s+FOR\s+DURATION\s+DETAIL$/);
    expect(text).toMatch(/FAILED\s+backup\s+alpha\s+2m\s+restic\.unreachable/);
    expect(text).toMatch(/skipped\s+forget\s+alpha\s+-\s+backup failed/);
    expect(text).toContain('0 of 2 job(s) ok');
  });
});
