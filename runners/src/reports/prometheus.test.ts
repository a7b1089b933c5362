import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord, tempStateDir } from '../ledger/testing/records.js';
import { viewFromRecords } from './ledger-view.js';
import { escapeLabelValue, renderPrometheus, writeMetricsFile } from './prometheus.js';
import { buildReport, type Report } from './report.js';
import { testInventory } from './testing/inventory.js';
import { parseExposition } from './testing/parse-exposition.js';

const NOW = new Date('2025-01-15T12:00:00Z');

const sampleReport = (): Report =>
  buildReport(
    testInventory(),
    viewFromRecords(
      [
        makeRecord({ startedAt: '2025-01-15T09:15:00Z' }),
        makeRecord({
          startedAt: '2025-01-15T11:15:00Z',
          outcome: 'locked',
          error: { code: 'restic.locked', message: 'locked' },
        }),
        makeRecord({
          startedAt: '2025-01-12T07:00:00Z',
          job: 'drill',
          rto: { measuredSeconds: 1800, objectiveSeconds: 28_800, met: true },
        }),
      ],
      NOW,
      30 * 86_400,
    ),
    { now: NOW },
  );

const value = (families: ReturnType<typeof parseExposition>, name: string, labels: Record<string, string>) =>
  families.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.value;

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and line feed, and nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te{}=,')).toBe('a\\\\b\\"c\\nd\te{}=,');
  });
});

describe('renderPrometheus', () => {
  it('parses back with HELP and TYPE for every family and the values of the report', () => {
    const families = parseExposition(renderPrometheus(sampleReport()));
    for (const family of families.values()) {
      expect(family.help, family.name).not.toBe('');
      expect(['gauge', 'counter'], family.name).toContain(family.type);
      if (family.type === 'counter') expect(family.name).toMatch(/_total$/);
    }
    const finance = { site: 'lisle', policy: 'lisle-finance-share' };
    expect(value(families, 'lifeboat_report_timestamp_seconds', {})).toBe(NOW.getTime() / 1000);
    expect(value(families, 'lifeboat_status', finance)).toBe(1);
    expect(value(families, 'lifeboat_status', { site: 'lisle', image: 'hp-kvm-sdcard' })).toBe(2);
    expect(value(families, 'lifeboat_rpo_seconds', finance)).toBe(14_400);
    expect(value(families, 'lifeboat_backup_age_seconds', finance)).toBe(2 * 3600 + 45 * 60);
    expect(value(families, 'lifeboat_drill_rto_measured_seconds', finance)).toBe(1800);
    expect(value(families, 'lifeboat_rto_objective_seconds', finance)).toBe(28_800);
    expect(value(families, 'lifeboat_last_success_timestamp_seconds', { ...finance, job: 'backup' })).toBe(
      Date.parse('2025-01-15T09:15:00Z') / 1000,
    );
    const outcomes = families
      .get('lifeboat_last_run_outcome')
      ?.samples.filter((s) => s.labels.policy === 'lisle-finance-share' && s.labels.job === 'backup');
    expect(outcomes?.map((s) => `${s.labels.outcome}=${s.value}`)).toEqual([
      'ok=0',
      'partial=0',
      'failed=0',
      'locked=1',
      'auth=0',
      'cancelled=0',
    ]);
    expect(value(families, 'lifeboat_runs_total', { ...finance, job: 'backup', outcome: 'ok' })).toBe(1);
    expect(value(families, 'lifeboat_runs_total', { ...finance, job: 'backup', outcome: 'locked' })).toBe(1);
    expect(value(families, 'lifeboat_runs_total', { ...finance, job: 'drill', outcome: 'ok' })).toBe(1);
    expect(value(families, 'lifeboat_success_ratio', finance)).toBeCloseTo(2 / 3);
    expect(value(families, 'lifeboat_ledger_problems', {})).toBe(0);
  });

  it('leaves the measured RTO out when the newest good drill measured none, and says amber', () => {
    const report = buildReport(
      testInventory(),
      viewFromRecords(
        [
          makeRecord({ startedAt: '2025-01-15T11:15:00Z' }),
          makeRecord({ startedAt: '2025-01-12T07:00:00Z', job: 'drill', durationSeconds: 90 }),
        ],
        NOW,
        30 * 86_400,
      ),
      { now: NOW },
    );
    const families = parseExposition(renderPrometheus(report));
    const finance = { site: 'lisle', policy: 'lisle-finance-share' };
    expect(value(families, 'lifeboat_drill_rto_measured_seconds', finance)).toBeUndefined();
    expect(value(families, 'lifeboat_rto_objective_seconds', finance)).toBe(28_800);
    expect(value(families, 'lifeboat_status', finance)).toBe(1);
  });

  it('writes label values that round-trip through the escapes, whatever they hold', () => {
    const report = sampleReport();
    const hostile = 'we"ird\\name\nwith } and ,x="y"';
    const row = report.rows.find((r) => r.name === 'lisle-finance-share');
    if (!row) throw new Error('no finance row');
    row.name = hostile;
    row.site = 'site\\';
    const text = renderPrometheus(report);
    expect(text.split('\n').filter((l) => l.includes('we\\"ird')).length).toBeGreaterThan(5);
    const families = parseExposition(text);
    expect(value(families, 'lifeboat_rpo_seconds', { site: 'site\\', policy: hostile })).toBe(14_400);
  });

  it('starts with the documented lines', () => {
    const lines = renderPrometheus(sampleReport()).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '# HELP lifeboat_report_timestamp_seconds When these metrics were computed (Unix time).',
      '# TYPE lifeboat_report_timestamp_seconds gauge',
      `lifeboat_report_timestamp_seconds ${NOW.getTime() / 1000}`,
      '# HELP lifeboat_status Report status per policy or image: 0 green, 1 amber, 2 red.',
      '# TYPE lifeboat_status gauge',
    ]);
    expect(lines).toContain('lifeboat_rpo_seconds{site="lisle",policy="lisle-finance-share"} 14400');
  });
});

describe('the exposition checker itself', () => {
  it.each([
    ['a sample before its TYPE', 'x 1\n# TYPE x gauge\n'],
    ['an unknown escape', '# TYPE x gauge\nx{a="\\t"} 1\n'],
    ['an unquoted label value', '# TYPE x gauge\nx{a=b} 1\n'],
    ['a duplicate series', '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n'],
    ['a family split in two', '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# HELP x again\n'],
    ['a missing final line feed', '# TYPE x gauge\nx 1'],
    ['a bad value', '# TYPE x gauge\nx one\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});

describe('writeMetricsFile', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStateDir());
  });
  afterEach(() => cleanup());

  it('writes <dir>/lifeboat.prom whole, replacing the previous one, leaving no temp file', async () => {
    const metrics = path.join(dir, 'textfile');
    await writeMetricsFile(metrics, sampleReport());
    const file = await writeMetricsFile(metrics, sampleReport());
    expect(file).toBe(path.join(metrics, 'lifeboat.prom'));
    expect(await readdir(metrics)).toEqual(['lifeboat.prom']);
    expect(await readFile(file, 'utf8')).toBe(renderPrometheus(sampleReport()));
  });
});
