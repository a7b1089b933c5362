import { describe, expect, it } from 'vitest';
import { newRunId } from './run-id.js';

describe('newRunId', () => {
  it('starts with the UTC time to the millisecond and ends with 12 random hex digits', () => {
    expect(newRunId(new Date('2025-01-14T10:15:00.123+02:00'))).toMatch(/^20250114T081500123Z-[0-9a-f]{12}$/);
  });

  it('sorts as text in time order, across field widths', () => {
    const times = [
      '2024-12-31T23:59:59.999Z',
      '2025-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.001Z',
      '2025-10-02T09:00:00Z',
    ];
    const ids = times.map((t) => newRunId(new Date(t)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs for two runs started in the same millisecond', () => {
    const at = new Date('2025-01-14T10:15:00Z');
    const ids = new Set(Array.from({ length: 1000 }, () => newRunId(at)));
    expect(ids.size).toBe(1000);
  });

  it('matches the RunRecord id pattern', () => {
    expect(newRunId()).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
  });
});
