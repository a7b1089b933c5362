import type { RunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { figureOf, fixFor, renderDemoTable } from './steps.js';

const record = (over: Partial<RunRecord>): RunRecord => ({
  apiVersion: 'lifeboat/v1',
  kind: 'RunRecord',
  id: '20260101T000000000Z-abcdef',
  job: 'sync',
  site: 'demo',
  policy: 'p',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:00:01Z',
  durationSeconds: 1,
  tool: { name: 'rclone', version: '1.60.1' },
  outcome: 'ok',
  ...over,
});

describe('figureOf', () => {
  it('says a sync is equal only when rclone check found no difference', () => {
    const equal = { transfers: 6, bytes: 2048, check_differences: 0, check_missing: 0 };
    expect(figureOf('sync', [record({ stats: equal })])).toBe('6 files, 2.0 KiB; check equal');
    expect(figureOf('sync', [record({ stats: { ...equal, check_differences: 1 } })])).toBe(
      '6 files, 2.0 KiB; check 1 differ, 0 missing',
    );
  });

  it('shows the error code of a failed run instead of figures', () => {
    const failed = record({ outcome: 'failed', error: { code: 'rclone.fatal', message: 'x' } });
    expect(figureOf('sync', [failed])).toBe('rclone.fatal');
  });

  it('reads RTO and the image checks from the record, and flags a difference', () => {
    const drill = record({
      job: 'drill',
      image: 'i',
      rto: { measuredSeconds: 3, objectiveSeconds: 900, met: true },
      verification: {
        passed: true,
        method: 'm',
        details:
          'p1 boot (vfat): re-capture equal, fsck clean, read-back equal; p2 root (ext4): re-capture DIFFERENT, fsck clean, read-back equal',
      },
    });
    expect(figureOf('image-drill', [drill])).toBe(
      'RTO 3s vs 15m met, re-capture equal/DIFFERENT, fsck clean, read-back equal',
    );
    const slow = record({ job: 'drill', rto: { measuredSeconds: 7200, objectiveSeconds: 3600, met: false } });
    expect(figureOf('drill', [slow])).toMatch(/RTO 2h vs 1h MISSED$/);
  });
});

describe('fixFor', () => {
  it("finds the runners' codes, and extra catalogues first", () => {
    expect(fixFor('restic.not-installed')).toMatch(/Install restic/);
    expect(fixFor('restic.not-installed', { 'restic.not-installed': { fix: 'mine' } })).toBe('mine');
    expect(fixFor('no.such-code')).toBeUndefined();
  });
});

describe('renderDemoTable', () => {
  it('is one header and one row per step', () => {
    const text = renderDemoTable([
      {
        step: 'backup',
        subject: 'p',
        outcome: 'failed',
        durationSeconds: 2.25,
        figure: 'restic.x',
        records: [],
      },
    ]);
    expect(text.split('\n')).toEqual([
      'STEP    SUBJECT  OUTCOME  DURATION  KEY FIGURE',
      'backup  p        FAILED   2.3s      restic.x',
      '',
    ]);
  });
});
