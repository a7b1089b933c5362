import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../schema/index.js';
import { checkRunRecord } from './check-run-record.js';

const RECORD: RunRecord = {
  apiVersion: 'lifeboat/v1',
  kind: 'RunRecord',
  id: '20250114T101500123Z-0a1b2c3d4e5f',
  job: 'backup',
  site: 'lisle',
  policy: 'lisle-finance-share',
  startedAt: '2025-01-14T10:15:00.123Z',
  endedAt: '2025-01-14T10:17:30Z',
  durationSeconds: 149.877,
  tool: { name: 'restic', version: '0.14.0' },
  outcome: 'ok',
  snapshotId: '4bba301e',
};

describe('checkRunRecord', () => {
  it('accepts a valid record and returns it typed', () => {
    expect(checkRunRecord(RECORD)).toEqual({ ok: true, record: RECORD });
  });

  it('names every schema violation on one line each', () => {
    const result = checkRunRecord({ ...RECORD, outcome: 'fine', extra: 1, site: undefined });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      'record: missing required key "site"',
      'record: unknown key "extra"',
      'outcome: must be one of ok, partial, failed, locked, auth, cancelled, got "fine"',
    ]);
  });

  it('refuses what is not an object', () => {
    expect(checkRunRecord(null).ok).toBe(false);
    expect(checkRunRecord([RECORD]).ok).toBe(false);
    expect(checkRunRecord('{}').ok).toBe(false);
  });

  it('refuses times the pattern lets through but no calendar has', () => {
    const result = checkRunRecord({ ...RECORD, startedAt: '2025-13-40T10:15:00Z' });
    expect(result).toEqual({ ok: false, errors: ['startedAt: "2025-13-40T10:15:00Z" is not a valid time'] });
  });

  it('refuses a run that ended before it started', () => {
    expect(checkRunRecord({ ...RECORD, endedAt: '2025-01-14T10:00:00Z' })).toEqual({
      ok: false,
      errors: ['endedAt: is before startedAt'],
    });
  });
});
