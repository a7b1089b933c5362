import type { RunRecord } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRunRecord } from '../ledger/index.js';
import { makeRecord, type RecordSpec, tempStateDir } from '../ledger/testing/records.js';
import { loadLedgerView, viewFromRecords } from './ledger-view.js';
import { buildReport, type ReportOptions, type ReportRow } from './report.js';
import { testInventory } from './testing/inventory.js';

// Wednesday noon UTC: finance backs up at :15 every 2 h (RPO 4h), drills Sundays (RTO 8h).
const NOW = new Date('2025-01-15T12:00:00Z');
const WINDOW = 30 * 86_400;

const backup = (startedAt: string, extra: Partial<RecordSpec> = {}) => makeRecord({ startedAt, ...extra });
const drill = (startedAt: string, measuredSeconds: number, extra: Partial<RecordSpec> = {}) =>
  makeRecord({
    startedAt,
    job: 'drill',
    durationSeconds: measuredSeconds + 60,
    verification: { passed: true, method: 'sha256 of 200 sampled files' },
    rto: { measuredSeconds, objectiveSeconds: 28_800, met: measuredSeconds <= 28_800 },
    ...extra,
  });
const capture = (startedAt: string, extra: Partial<RecordSpec> = {}) =>
  makeRecord({
    startedAt,
    policy: undefined,
    image: 'hp-kvm-sdcard',
    job: 'image-capture',
    tool: { name: 'partclone', version: '0.3.23' },
    ...extra,
  });

const report = (records: RunRecord[], options: Partial<ReportOptions> = {}) =>
  buildReport(testInventory(), viewFromRecords(records, options.now ?? NOW, WINDOW), {
    now: NOW,
    ...options,
  });
const row = (records: RunRecord[], name: string, options: Partial<ReportOptions> = {}): ReportRow => {
  const found = report(records, options).rows.find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
};
const FINANCE = 'lisle-finance-share';
const healthyFinance = () => [
  backup('2025-01-15T09:15:00Z'),
  backup('2025-01-15T11:15:00Z'),
  drill('2025-01-12T07:00:00Z', 1800),
];

describe('green', () => {
  it('when the newest backup is within the RPO and the weekly drill passed within the RTO', () => {
    const r = row(healthyFinance(), FINANCE);
    expect(r.status).toBe('green');
    expect(r.reasons).toEqual(['all objectives met']);
    expect(r.ageSeconds).toBe(45 * 60);
    expect(r.rpoSeconds).toBe(4 * 3600);
    expect(r.drill).toEqual({
      cadenceSeconds: 7 * 86_400,
      lastAt: '2025-01-12T07:00:00Z',
      outcome: 'ok',
      ageSeconds: 3 * 86_400 + 5 * 3600,
      rtoMeasuredSeconds: 1800,
      rtoObjectiveSeconds: 8 * 3600,
      rtoMet: true,
    });
    expect(r.window).toEqual({ runs: 3, ok: 3, successRate: 1 });
    expect(r.lastRun).toEqual({
      job: 'backup',
      outcome: 'ok',
      startedAt: '2025-01-15T11:15:00Z',
      errorCode: null,
    });
    expect(r.jobs.map((j) => [j.job, j.totals])).toEqual([
      ['backup', { ok: 2 }],
      ['drill', { ok: 1 }],
    ]);
  });

  it('for an image captured and drilled within its RTO', () => {
    const r = row(
      [
        capture('2025-01-10T10:00:00Z'),
        capture('2025-01-15T03:00:00Z', {
          job: 'drill',
          rto: { measuredSeconds: 1200, objectiveSeconds: 7200, met: true },
        }),
      ],
      'hp-kvm-sdcard',
    );
    expect(r.status).toBe('green');
    expect(r.kind).toBe('image');
    expect(r.primaryJob).toBe('image-capture');
    expect(r.rpoSeconds).toBeNull();
    expect(r.drill.rtoMet).toBe(true);
  });

  it('for a policy without objectives backed up within twice its schedule interval', () => {
    expect(
      row(
        [backup('2025-01-14T16:00:00Z', { site: 'portage', policy: 'portage-shared-drive' })],
        'portage-shared-drive',
      ).status,
    ).toBe('green');
  });
});

describe('amber', () => {
  it('when the newest good backup is close to the RPO after a failed run, with the success rate below 99 %', () => {
    const r = row(
      [
        backup('2025-01-15T08:15:00Z'),
        backup('2025-01-15T10:15:00Z', {
          outcome: 'locked',
          error: { code: 'restic.locked', message: 'repository is already locked' },
        }),
        drill('2025-01-12T07:00:00Z', 1800),
      ],
      FINANCE,
    );
    expect(r.status).toBe('amber');
    expect(r.reasons).toEqual([
      'last successful backup 3h 45m ago is close to RPO 4h',
      'last backup on 2025-01-15 ended locked (restic.locked)',
      'success rate 66.6 % over 30d (2 of 3 runs)',
    ]);
    expect(r.lastRun?.errorCode).toBe('restic.locked');
  });

  it('when the drill is overdue', () => {
    const r = row([backup('2025-01-15T11:15:00Z'), drill('2024-12-29T07:00:00Z', 1800)], FINANCE);
    expect(r.status).toBe('amber');
    expect(r.reasons).toEqual(['last drill 17d 5h ago, past its cadence of 7d']);
  });

  it('when the last passing drill was a sample drill that measured no RTO, however quick it was', () => {
    // The defect: the sample drill's 2-minute duration used to stand in for the RTO and showed green.
    const sample = drill('2025-01-12T07:00:00Z', 60, { rto: undefined });
    const r = row([backup('2025-01-15T09:15:00Z'), backup('2025-01-15T11:15:00Z'), sample], FINANCE);
    expect(r.status).toBe('amber');
    expect(r.reasons).toEqual([
      'RTO 8h not measured: the last passing drill on 2025-01-12 timed no full restore (sample drills do not; schedule a full drill)',
    ]);
    expect(r.drill).toMatchObject({ rtoMeasuredSeconds: null, rtoObjectiveSeconds: 8 * 3600, rtoMet: null });
  });

  it('when a sample drill follows a full one: the older measurement does not count for the newest drill', () => {
    const r = row([...healthyFinance(), drill('2025-01-14T07:00:00Z', 30, { rto: undefined })], FINANCE, {
      minSuccessRate: 0,
    });
    expect(r.status).toBe('amber');
    expect(r.reasons[0]).toMatch(/^RTO 8h not measured: the last passing drill on 2025-01-14 /);
    expect(r.drill.rtoMet).toBeNull();
  });

  it('when a drill is scheduled but none has run', () => {
    expect(row([backup('2025-01-15T11:15:00Z')], FINANCE).reasons).toEqual(['no drill recorded yet']);
  });

  it('when a policy without an RPO has not backed up for over twice its schedule interval', () => {
    const r = row(
      [backup('2025-01-12T01:00:00Z', { site: 'portage', policy: 'portage-shared-drive' })],
      'portage-shared-drive',
    );
    expect(r.status).toBe('amber');
    expect(r.reasons).toEqual([
      'last successful backup 3d 11h ago, over twice the schedule interval 1d (no RPO set)',
    ]);
  });

  it('when the success rate over the window is below 99 %, cancelled runs aside', () => {
    const runs = Array.from({ length: 99 }, (_, i) =>
      backup(new Date(NOW.getTime() - (i + 1) * 3600_000).toISOString()),
    );
    runs.push(
      backup('2025-01-01T00:15:00Z', {
        outcome: 'failed',
        error: { code: 'restic.repository-unreachable', message: 'x' },
      }),
    );
    runs.push(
      backup('2025-01-01T02:15:00Z', {
        outcome: 'failed',
        error: { code: 'restic.repository-unreachable', message: 'x' },
      }),
    );
    runs.push(backup('2025-01-01T04:15:00Z', { outcome: 'cancelled' }));
    runs.push(backup('2024-12-01T04:15:00Z', { outcome: 'failed' })); // outside the window
    runs.push(drill('2025-01-12T07:00:00Z', 1800));
    const r = row(runs, FINANCE);
    expect(r.window).toEqual({ runs: 102, ok: 100, successRate: 100 / 102 });
    expect(r.reasons).toEqual(['success rate 98.0 % over 30d (100 of 102 runs)']);
    expect(row(runs, FINANCE, { minSuccessRate: 0.98 }).status).toBe('green');
  });
});

describe('red', () => {
  it('when the newest good backup is older than the RPO', () => {
    const r = row([backup('2025-01-15T06:15:00Z'), drill('2025-01-12T07:00:00Z', 1800)], FINANCE);
    expect(r.status).toBe('red');
    expect(r.reasons).toEqual(['last successful backup 5h 45m ago exceeds RPO 4h']);
  });

  it('when no backup ever succeeded', () => {
    const r = row(
      [
        backup('2025-01-15T11:15:00Z', {
          outcome: 'auth',
          error: { code: 'restic.wrong-password', message: 'wrong password' },
        }),
      ],
      FINANCE,
    );
    expect(r.status).toBe('red');
    expect(r.reasons).toEqual([
      'no successful backup recorded',
      'no drill recorded yet',
      'last backup on 2025-01-15 ended auth (restic.wrong-password)',
      'success rate 0.0 % over 30d (0 of 1 runs)',
    ]);
    expect(r.ageSeconds).toBeNull();
  });

  it('when the last drill failed, even though an earlier one passed', () => {
    const r = row(
      [
        ...healthyFinance(),
        drill('2025-01-14T07:00:00Z', 0, {
          outcome: 'failed',
          rto: undefined,
          error: { code: 'restic.snapshot-not-found', message: 'no snapshot' },
        }),
      ],
      FINANCE,
      { minSuccessRate: 0 },
    );
    expect(r.status).toBe('red');
    expect(r.reasons).toEqual(['last drill on 2025-01-14 ended failed (restic.snapshot-not-found)']);
    expect(r.drill.rtoMeasuredSeconds).toBe(1800); // from the last drill that restored
  });

  it('when the last drill restored but failed verification', () => {
    const failedCheck = drill('2025-01-14T07:00:00Z', 900, {
      verification: { passed: false, method: 'sha256' },
    });
    expect(row([...healthyFinance(), failedCheck], FINANCE).reasons).toEqual([
      'last drill on 2025-01-14 failed verification (sha256)',
    ]);
  });

  it('when the measured restore time is over the RTO', () => {
    const r = row([backup('2025-01-15T11:15:00Z'), drill('2025-01-12T07:00:00Z', 9 * 3600)], FINANCE);
    expect(r.status).toBe('red');
    expect(r.reasons).toEqual(['drill restore took 9h, over RTO 8h']);
    expect(r.drill.rtoMet).toBe(false);
  });

  it('when an image has never been captured', () => {
    const r = row([], 'hp-kvm-sdcard');
    expect(r.status).toBe('red');
    expect(r.reasons).toEqual(['no successful image capture recorded', 'no drill recorded yet']);
  });
});

describe('the report as a whole', () => {
  it('has a row per policy and image in site, kind, name order, and counts the colours', () => {
    const full = report([
      ...healthyFinance(),
      backup('2025-01-15T01:00:00Z', { site: 'portage', policy: 'portage-shared-drive' }),
    ]);
    expect(full.rows.map((r) => `${r.site}/${r.kind}/${r.name}:${r.status}`)).toEqual([
      'lisle/image/hp-kvm-sdcard:red',
      'lisle/policy/lisle-finance-share:green',
      'portage/policy/portage-shared-drive:green',
    ]);
    expect(full.summary).toEqual({ red: 1, amber: 0, green: 2 });
    expect(full.generatedAt).toBe(NOW.toISOString());
    expect(full.windowSeconds).toBe(WINDOW);
  });

  it('keeps to one site when asked', () => {
    expect(report([], { site: 'portage' }).rows.map((r) => r.name)).toEqual(['portage-shared-drive']);
  });

  it('ignores runs after its moment, as if they had not happened yet', () => {
    const later = [...healthyFinance(), backup('2025-01-15T13:15:00Z', { outcome: 'failed' })];
    expect(row(later, FINANCE).status).toBe('green');
  });
});

describe('loadLedgerView', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStateDir());
  });
  afterEach(() => cleanup());

  const records = [
    backup('2024-11-20T09:15:00Z'),
    backup('2024-12-20T09:15:00Z', { outcome: 'failed' }),
    backup('2025-01-15T09:15:00Z'),
    backup('2025-01-15T11:15:00Z', { outcome: 'locked' }),
    drill('2025-01-12T07:00:00Z', 1800),
    capture('2025-01-10T10:00:00Z'),
    backup('2025-01-15T01:00:00Z', { site: 'portage', policy: 'portage-shared-drive' }),
  ];

  it.each([
    ['after every record (from the index)', NOW],
    ['before some records (from the records)', new Date('2025-01-01T00:00:00Z')],
  ])('gives the same report as the records themselves, %s', async (_, now) => {
    for (const r of records) await writeRunRecord(dir, r);
    const sites = [
      { site: 'lisle', stateDir: dir },
      { site: 'portage', stateDir: dir },
      { site: 'lisle', stateDir: dir },
    ];
    const fromLedger = buildReport(testInventory(), await loadLedgerView(sites, now, WINDOW), { now });
    const fromMemory = buildReport(testInventory(), viewFromRecords(records, now, WINDOW), { now });
    expect(fromLedger).toEqual(fromMemory);
    expect(
      fromLedger.rows.find((r) => r.name === FINANCE)?.jobs.find((j) => j.job === 'backup')?.totals,
    ).toEqual(now === NOW ? { ok: 2, failed: 1, locked: 1 } : { ok: 1, failed: 1 });
  });
});
