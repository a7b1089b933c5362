import type { RunRecord } from '@lifeboat/core';
import { writeRunRecord } from '@lifeboat/runners';

// A state directory of run records with fixed times for the site's status page: one policy per colour, each
// for a reason a person can check by reading the records (the other policies have no records: red).

/** The moment the fixture's pages are generated "as of" (a Wednesday). */
export const FIXTURE_NOW = new Date('2025-01-15T12:00:00.000Z');

/** The status each chosen policy must show, and why. */
export const FIXTURE_EXPECTED = {
  // Backups ok every 6 h (last 06:10, 5 h 50 min ago, RPO 8 h) and a full drill at 03:00 today that restored
  // in 1 h against the 4 h RTO.
  'grocery-store-22-pos-config': 'green',
  // Backup ok at 08:45 (RPO 8 h), but the last drill was a sample drill: the 24 h RTO is not measured.
  'lisle-general-share': 'amber',
  // The last good backup is 06:15, 5 h 45 min ago, past the 4 h RPO; the two since failed on a locked repository.
  'lisle-finance-share': 'red',
} as const;

interface Spec {
  site: string;
  policy: string;
  job: RunRecord['job'];
  startedAt: string;
  seconds: number;
  outcome: RunRecord['outcome'];
  extra?: Partial<RunRecord>;
}

const SPECS: Spec[] = [
  {
    site: 'grocery-store-22',
    policy: 'grocery-store-22-pos-config',
    job: 'backup',
    startedAt: '2025-01-14T18:10:00Z',
    seconds: 95,
    outcome: 'ok',
  },
  {
    site: 'grocery-store-22',
    policy: 'grocery-store-22-pos-config',
    job: 'backup',
    startedAt: '2025-01-15T00:10:00Z',
    seconds: 88,
    outcome: 'ok',
  },
  {
    site: 'grocery-store-22',
    policy: 'grocery-store-22-pos-config',
    job: 'drill',
    startedAt: '2025-01-15T03:00:00Z',
    seconds: 3600,
    outcome: 'ok',
    extra: {
      verification: { passed: true, method: 'sha256 of every restored file' },
      rto: { measuredSeconds: 3600, objectiveSeconds: 14_400, met: true },
    },
  },
  {
    site: 'grocery-store-22',
    policy: 'grocery-store-22-pos-config',
    job: 'backup',
    startedAt: '2025-01-15T06:10:00Z',
    seconds: 91,
    outcome: 'ok',
  },
  {
    site: 'lisle',
    policy: 'lisle-general-share',
    job: 'drill',
    startedAt: '2025-01-12T08:00:00Z',
    seconds: 240,
    outcome: 'ok',
    extra: { verification: { passed: true, method: 'sample of 200 files compared' } },
  },
  {
    site: 'lisle',
    policy: 'lisle-general-share',
    job: 'backup',
    startedAt: '2025-01-15T04:45:00Z',
    seconds: 300,
    outcome: 'ok',
  },
  {
    site: 'lisle',
    policy: 'lisle-general-share',
    job: 'backup',
    startedAt: '2025-01-15T08:45:00Z',
    seconds: 310,
    outcome: 'ok',
  },
  {
    site: 'lisle',
    policy: 'lisle-finance-share',
    job: 'backup',
    startedAt: '2025-01-15T06:15:00Z',
    seconds: 420,
    outcome: 'ok',
  },
  {
    site: 'lisle',
    policy: 'lisle-finance-share',
    job: 'backup',
    startedAt: '2025-01-15T08:15:00Z',
    seconds: 31,
    outcome: 'locked',
    extra: { error: { code: 'restic.locked', message: 'repository is already locked by PID 4242 on fs01' } },
  },
  {
    site: 'lisle',
    policy: 'lisle-finance-share',
    job: 'backup',
    startedAt: '2025-01-15T10:15:00Z',
    seconds: 30,
    outcome: 'locked',
    extra: { error: { code: 'restic.locked', message: 'repository is already locked by PID 4242 on fs01' } },
  },
];

/** Fixed ids (time + counter), so the generated pages are the same bytes on every run. */
const idFor = (startedAt: string, n: number): string =>
  `${startedAt.replace(/[-:]/g, '').replace('Z', '000Z')}-${String(n).padStart(12, '0')}`;

/** Write the fixture's records into `stateDir` with the runners' own ledger writer. */
export const writeFixtureRecords = async (stateDir: string): Promise<RunRecord[]> => {
  const records: RunRecord[] = [];
  for (const [i, s] of SPECS.entries()) {
    const started = new Date(s.startedAt);
    const record: RunRecord = {
      apiVersion: 'lifeboat/v1',
      kind: 'RunRecord',
      id: idFor(s.startedAt, i + 1),
      job: s.job,
      site: s.site,
      policy: s.policy,
      startedAt: started.toISOString(),
      endedAt: new Date(started.getTime() + s.seconds * 1000).toISOString(),
      durationSeconds: s.seconds,
      tool: { name: 'restic', version: '0.14.0' },
      outcome: s.outcome,
      ...(s.outcome === 'ok' && s.job === 'backup' ? { snapshotId: (0x1a2b3c4d + i).toString(16) } : {}),
      ...s.extra,
    };
    await writeRunRecord(stateDir, record);
    records.push(record);
  }
  return records;
};
