import { describe, expect, it } from 'vitest';
import { checkSubset, type Decision, type DueInput, dueJobs } from './due.js';
import { history } from './testing/history.js';
import { imageYaml, inventoryOf, policyYaml, siteYaml } from './testing/inventory.js';

// America/Chicago: CST is UTC-6, CDT UTC-5; in 2025 DST starts 9 March 02:00 and ends 2 November 02:00.

const at = (iso: string) => new Date(iso);
const decide = (input: Omit<DueInput, 'lastSuccess'> & { lastSuccess?: DueInput['lastSuccess'] }): Decision =>
  dueJobs({ lastSuccess: history(), ...input });
const jobsOf = (d: Decision) => d.due.map((j) => `${j.job} ${j.subjects.map((s) => s.name).join('+')}`);

const nightly = inventoryOf({
  sites: [siteYaml()],
  policies: [policyYaml({ name: 'share', cron: '0 2 * * *' })],
});

describe('dueJobs: scheduled times', () => {
  const lastSuccess = history({
    'policy:share:backup': '2025-01-14T08:05:00Z',
    'policy:share:forget': '2025-01-14T08:06:00Z',
  });

  it('is due at the scheduled minute, and says why', () => {
    const d = decide({ inventory: nightly, site: 'lisle', now: at('2025-01-15T08:00:00Z'), lastSuccess });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share']);
    const [backup] = d.due;
    expect(backup).toMatchObject({
      status: 'due',
      occurrence: at('2025-01-15T08:00:00Z'),
      missed: 1,
      schedule: { cron: '0 2 * * *', timezone: 'America/Chicago' },
      repository: { site: 'lisle', target: 'nas', path: 'share' },
    });
    expect(backup?.reason).toBe(
      'scheduled Wed 2025-01-15 02:00 America/Chicago ("0 2 * * *"), last success 23h 55m ago',
    );
  });

  it('is not due a moment before', () => {
    const d = decide({ inventory: nightly, site: 'lisle', now: at('2025-01-15T07:59:59.999Z'), lastSuccess });
    expect(d.due).toEqual([]);
    expect(d.waiting).toEqual([]);
  });

  it('runs three missed nights once, for the latest of them', () => {
    const d = decide({
      inventory: nightly,
      site: 'lisle',
      now: at('2025-01-14T12:00:00Z'),
      lastSuccess: history({
        'policy:share:backup': '2025-01-11T08:05:00Z',
        'policy:share:forget': '2025-01-11T08:06:00Z',
      }),
    });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share']);
    expect(d.due[0]).toMatchObject({ missed: 3, occurrence: at('2025-01-14T08:00:00Z') });
    expect(d.due[0]?.reason).toMatch(/last success 3d 3h 55m ago; 3 run times missed, running once$/);
  });

  it('runs a job that never succeeded at the first tick, serving its previous run time', () => {
    const weekly = inventoryOf({
      sites: [siteYaml()],
      policies: [policyYaml({ name: 'share', cron: '0 2 * * 0' })],
    });
    // Wednesday: the previous run time is Sunday 12 January, 02:00 CST.
    const d = decide({ inventory: weekly, site: 'lisle', now: at('2025-01-15T18:00:00Z') });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share']);
    expect(d.due[0]).toMatchObject({ missed: 0, occurrence: at('2025-01-12T08:00:00Z') });
    expect(d.due[0]?.reason).toBe(
      'scheduled Sun 2025-01-12 02:00 America/Chicago ("0 2 * * 0"), never succeeded: first run now',
    );
    expect(d.due[1]).toMatchObject({ afterBackup: true });
  });

  it('counts many missed run times up to a cap, still one run', () => {
    const minutely = inventoryOf({
      sites: [siteYaml()],
      policies: [policyYaml({ name: 'share', cron: '* * * * *' })],
    });
    const d = decide({
      inventory: minutely,
      site: 'lisle',
      now: at('2025-01-15T12:00:00Z'),
      lastSuccess: history({ 'policy:share:backup': '2025-01-14T12:00:00Z' }),
    });
    expect(d.due.filter((j) => j.job === 'backup')).toHaveLength(1);
    expect(d.due[0]).toMatchObject({ missed: 1000, occurrence: at('2025-01-15T12:00:00Z') });
    expect(d.due[0]?.reason).toMatch(/1000\+ run times missed, running once$/);
  });

  it('uses the schedule’s own time zone over the site’s', () => {
    const inventory = inventoryOf({
      sites: [siteYaml()],
      policies: [
        policyYaml({ name: 'local', cron: '0 8 * * *' }),
        policyYaml({ name: 'utc', cron: '0 8 * * *', timezone: 'UTC' }),
      ],
    });
    const lastSuccess = history({
      'policy:local:backup': '2025-01-14T14:05:00Z',
      'policy:local:forget': '2025-01-14T14:05:00Z',
      'policy:utc:backup': '2025-01-14T08:05:00Z',
      'policy:utc:forget': '2025-01-14T08:05:00Z',
    });
    const morningUtc = decide({ inventory, site: 'lisle', now: at('2025-01-15T08:00:00Z'), lastSuccess });
    expect(jobsOf(morningUtc)).toEqual(['backup utc', 'forget utc']);
    expect(morningUtc.due[0]?.reason).toMatch(/^scheduled Wed 2025-01-15 08:00 UTC /);
    const utcDone = history({
      'policy:local:backup': '2025-01-14T14:05:00Z',
      'policy:local:forget': '2025-01-14T14:05:00Z',
      'policy:utc:backup': '2025-01-15T08:05:00Z',
      'policy:utc:forget': '2025-01-15T08:05:00Z',
    });
    const beforeChicago = decide({
      inventory,
      site: 'lisle',
      now: at('2025-01-15T13:59:00Z'),
      lastSuccess: utcDone,
    });
    expect(beforeChicago.due).toEqual([]);
    const morningChicago = decide({
      inventory,
      site: 'lisle',
      now: at('2025-01-15T14:00:00Z'),
      lastSuccess: utcDone,
    });
    expect(jobsOf(morningChicago)).toEqual(['backup local', 'forget local']);
  });

  it('uses the site’s zone when the schedule has none', () => {
    const berlin = inventoryOf({
      sites: [siteYaml({ name: 'berlin', timezone: 'Europe/Berlin' })],
      policies: [policyYaml({ name: 'share', site: 'berlin', cron: '0 2 * * *' })],
    });
    const lastSuccess = history({ 'policy:share:backup': '2025-01-14T01:05:00Z' });
    expect(
      jobsOf(decide({ inventory: berlin, site: 'berlin', now: at('2025-01-15T00:59:00Z'), lastSuccess })),
    ).toEqual(['forget share']);
    expect(
      jobsOf(decide({ inventory: berlin, site: 'berlin', now: at('2025-01-15T01:00:00Z'), lastSuccess })),
    ).toEqual(['backup share', 'forget share']);
  });
});

describe('dueJobs: daylight saving time in America/Chicago', () => {
  const at0230 = inventoryOf({
    sites: [siteYaml()],
    policies: [policyYaml({ name: 'share', cron: '30 2 * * *' })],
  });
  const at0130 = inventoryOf({
    sites: [siteYaml()],
    policies: [policyYaml({ name: 'share', cron: '30 1 * * *' })],
  });
  const backups = (d: Decision) => d.due.filter((j) => j.job === 'backup');

  it('runs a 02:30 job at 03:30 CDT on the spring-forward day, when 02:30 does not exist', () => {
    const lastSuccess = history({ 'policy:share:backup': '2025-03-08T08:31:00Z' });
    // 03:15 CDT: the 02:30 that never was is not yet run.
    expect(
      backups(decide({ inventory: at0230, site: 'lisle', now: at('2025-03-09T08:15:00Z'), lastSuccess })),
    ).toEqual([]);
    const d = decide({ inventory: at0230, site: 'lisle', now: at('2025-03-09T08:30:00Z'), lastSuccess });
    expect(backups(d)).toHaveLength(1);
    expect(backups(d)[0]?.reason).toMatch(/^scheduled Sun 2025-03-09 03:30 America\/Chicago /);
    // The next day is back at 02:30, now CDT (07:30Z).
    const next = history({ 'policy:share:backup': '2025-03-09T08:35:00Z' });
    expect(
      backups(
        decide({ inventory: at0230, site: 'lisle', now: at('2025-03-10T07:29:00Z'), lastSuccess: next }),
      ),
    ).toEqual([]);
    expect(
      backups(
        decide({ inventory: at0230, site: 'lisle', now: at('2025-03-10T07:30:00Z'), lastSuccess: next }),
      ),
    ).toHaveLength(1);
  });

  it('runs a 01:30 job once on the fall-back day, not again when 01:30 comes round in CST', () => {
    const before = history({ 'policy:share:backup': '2025-11-01T06:35:00Z' });
    // 01:30 CDT (06:30Z): due.
    expect(
      backups(
        decide({ inventory: at0130, site: 'lisle', now: at('2025-11-02T06:30:00Z'), lastSuccess: before }),
      ),
    ).toHaveLength(1);
    // It succeeded at 01:35 CDT; 01:30 CST (07:30Z) and later that night: not again.
    const after = history({ 'policy:share:backup': '2025-11-02T06:35:00Z' });
    for (const now of ['2025-11-02T07:30:00Z', '2025-11-02T07:45:00Z', '2025-11-03T07:29:00Z'])
      expect([
        now,
        backups(decide({ inventory: at0130, site: 'lisle', now: at(now), lastSuccess: after })),
      ]).toEqual([now, []]);
    expect(
      backups(
        decide({ inventory: at0130, site: 'lisle', now: at('2025-11-03T07:30:00Z'), lastSuccess: after }),
      ),
    ).toHaveLength(1);
  });

  it('runs an hourly job in both passes of the repeated hour: an hour really elapsed', () => {
    const hourly = inventoryOf({
      sites: [siteYaml()],
      policies: [policyYaml({ name: 'share', cron: '0 * * * *' })],
    });
    // Ran at 01:00 CDT (06:00Z); 01:00 CST is 07:00Z.
    const lastSuccess = history({ 'policy:share:backup': '2025-11-02T06:01:00Z' });
    expect(
      backups(decide({ inventory: hourly, site: 'lisle', now: at('2025-11-02T06:59:00Z'), lastSuccess })),
    ).toEqual([]);
    expect(
      backups(decide({ inventory: hourly, site: 'lisle', now: at('2025-11-02T07:00:00Z'), lastSuccess })),
    ).toHaveLength(1);
  });
});

describe('dueJobs: check subset rotation', () => {
  const inventory = inventoryOf({
    sites: [siteYaml()],
    policies: [
      policyYaml({
        name: 'share',
        cron: '0 2 * * *',
        extra: `  check:
    schedule:
      cron: '0 3 * * 0'
    subsets: 3
    readAllWithinDays: 30
`,
      }),
    ],
  });

  it('cycles 1/t … t/t and wraps, from the count of successful checks', () => {
    const seen = [0, 1, 2, 3, 4, 5, 6].map((done) => {
      const d = decide({
        inventory,
        site: 'lisle',
        now: at('2025-01-12T09:00:00Z'),
        successfulChecks: () => done,
      });
      const check = d.due.find((j) => j.job === 'check');
      return `${check?.check?.subset}/${check?.check?.subsets} cycle ${check?.check?.cycle}`;
    });
    expect(seen).toEqual([
      '1/3 cycle 1',
      '2/3 cycle 1',
      '3/3 cycle 1',
      '1/3 cycle 2',
      '2/3 cycle 2',
      '3/3 cycle 2',
      '1/3 cycle 3',
    ]);
  });

  it('names the subset in the reason', () => {
    const d = decide({
      inventory,
      site: 'lisle',
      now: at('2025-01-12T09:00:00Z'),
      successfulChecks: () => 4,
    });
    expect(d.due.find((j) => j.job === 'check')?.reason).toMatch(
      /; read-data subset 2\/3 \(full-read cycle 2\)$/,
    );
  });

  it('checkSubset wraps for any count and subset total', () => {
    expect([0, 1, 3, 4, 999].map((n) => checkSubset(n, 4).subset)).toEqual([1, 2, 4, 1, 4]);
    expect(checkSubset(7, 1)).toEqual({ subset: 1, subsets: 1, cycle: 8 });
  });
});

describe('dueJobs: maintenance windows', () => {
  const windows = `    - name: nightly
      days: [mon, tue, wed, thu, fri, sat, sun]
      start: '22:00'
      end: '05:30'
    - name: sunday-day
      days: [sun]
      start: '06:00'
      end: '16:00'
`;
  const heavy = `  prune:
    schedule:
      cron: '0 12 * * 3'
  drill:
    schedule:
      cron: '0 12 * * 3'
    kind: full
`;
  const inventory = inventoryOf({
    sites: [siteYaml({ windows })],
    policies: [policyYaml({ name: 'share', cron: '0 12 * * 3', extra: heavy })],
    images: [imageYaml({ name: 'kvm', cron: '0 12 * * 3' })],
  });
  const lastSuccess = history({
    'policy:share:backup': '2025-01-08T18:05:00Z',
    'policy:share:forget': '2025-01-08T18:06:00Z',
    'policy:share:prune': '2025-01-08T18:10:00Z',
    'policy:share:drill': '2025-01-08T18:10:00Z',
    'image:kvm:drill': '2025-01-08T18:10:00Z',
  });

  it('keeps heavy jobs waiting outside every window, with the next window’s start', () => {
    // Wednesday 12:00 CST: backup runs; prune, full drill and image drill wait for 22:00 CST.
    const d = decide({ inventory, site: 'lisle', now: at('2025-01-15T18:00:00Z'), lastSuccess });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share']);
    expect(d.waiting.map((j) => [j.job, j.subjects[0]?.name, j.status, j.until?.toISOString()])).toEqual([
      ['prune', 'share', 'waiting-for-window', '2025-01-16T04:00:00.000Z'],
      ['drill', 'share', 'waiting-for-window', '2025-01-16T04:00:00.000Z'],
      ['drill', 'kvm', 'waiting-for-window', '2025-01-16T04:00:00.000Z'],
    ]);
    expect(d.waiting[0]?.reason).toMatch(
      /heavy job outside the maintenance windows of site "lisle": waits for window "nightly" opening Wed 2025-01-15 22:00 America\/Chicago$/,
    );
  });

  it('runs them in a window that crossed midnight, which belongs to its start day', () => {
    // Thursday 01:00 CST: inside Wednesday's nightly window, which ends Thursday 05:30 CST.
    const d = decide({ inventory, site: 'lisle', now: at('2025-01-16T07:00:00Z'), lastSuccess });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share', 'prune share', 'drill share', 'drill kvm']);
    expect(d.due.find((j) => j.job === 'prune')?.window).toEqual({
      name: 'nightly',
      end: at('2025-01-16T11:30:00.000Z'),
    });
    expect(d.waiting).toEqual([]);
  });

  it('does not hold back light jobs: a sample drill runs outside the windows', () => {
    const sample = inventoryOf({
      sites: [siteYaml({ windows })],
      policies: [
        policyYaml({
          name: 'share',
          cron: '0 12 * * 3',
          extra: `  drill:
    schedule:
      cron: '0 12 * * 3'
    kind: sample
`,
        }),
      ],
    });
    const d = decide({ inventory: sample, site: 'lisle', now: at('2025-01-15T18:00:00Z'), lastSuccess });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share', 'drill share']);
    expect(d.due[2]).toMatchObject({ heavy: false, drill: { kind: 'sample' } });
  });

  it('puts no restriction on a site without windows', () => {
    const open = inventoryOf({
      sites: [siteYaml()],
      policies: [policyYaml({ name: 'share', cron: '0 12 * * 3', extra: heavy })],
    });
    const d = decide({ inventory: open, site: 'lisle', now: at('2025-01-15T18:00:00Z'), lastSuccess });
    expect(jobsOf(d)).toEqual(['backup share', 'forget share', 'prune share', 'drill share']);
    expect(d.due.find((j) => j.job === 'prune')?.window).toBeUndefined();
  });
});

describe('dueJobs: forget, order and one job per command', () => {
  const everything = `  prune:
    schedule:
      cron: '0 3 * * 0'
  check:
    schedule:
      cron: '0 4 * * 0'
    subsets: 4
    readAllWithinDays: 30
  offsite:
    remote: cloud
    schedule:
      cron: '0 5 * * *'
  drill:
    schedule:
      cron: '0 6 * * 0'
    kind: full
`;

  it('orders backups, forget, prune, check, sync, then drills', () => {
    const inventory = inventoryOf({
      sites: [siteYaml()],
      policies: [
        policyYaml({ name: 'b-share', cron: '0 2 * * *', extra: everything }),
        policyYaml({ name: 'a-share', cron: '0 2 * * *' }),
      ],
      images: [imageYaml({ name: 'kvm', cron: '0 7 * * 0' })],
    });
    const d = decide({ inventory, site: 'lisle', now: at('2025-01-12T18:00:00Z') });
    expect(jobsOf(d)).toEqual([
      'backup a-share',
      'backup b-share',
      'forget a-share',
      'forget b-share',
      'prune b-share',
      'check b-share',
      'sync b-share',
      'drill b-share',
      'drill kvm',
    ]);
    expect(d.due.find((j) => j.job === 'sync')?.sync).toEqual({ remote: 'cloud' });
    expect(d.due.find((j) => j.job === 'drill' && j.subjects[0]?.kind === 'image')?.repository).toEqual({
      site: 'lisle',
      target: 'nas',
      path: 'images/kvm',
    });
  });

  it('forgets after a backup that is not followed by a successful forget yet, on its own', () => {
    const now = at('2025-01-15T12:00:00Z');
    const pending = decide({
      inventory: nightly,
      site: 'lisle',
      now,
      lastSuccess: history({
        'policy:share:backup': '2025-01-15T08:05:00Z',
        'policy:share:forget': '2025-01-14T08:06:00Z',
      }),
    });
    expect(jobsOf(pending)).toEqual(['forget share']);
    expect(pending.due[0]).toMatchObject({ occurrence: at('2025-01-15T08:05:00Z') });
    expect(pending.due[0]?.afterBackup).toBeUndefined();
    expect(pending.due[0]?.reason).toMatch(
      /^the backup of Wed 2025-01-15 02:05 America\/Chicago is not yet followed/,
    );
    const done = decide({
      inventory: nightly,
      site: 'lisle',
      now,
      lastSuccess: history({
        'policy:share:backup': '2025-01-15T08:05:00Z',
        'policy:share:forget': '2025-01-15T08:06:00Z',
      }),
    });
    expect(done.due).toEqual([]);
    // Nothing was ever backed up: nothing to forget.
    const weekly = inventoryOf({
      sites: [siteYaml()],
      policies: [policyYaml({ name: 'share', cron: '0 2 * * 0' })],
    });
    const fresh = decide({
      inventory: weekly,
      site: 'lisle',
      now,
      lastSuccess: history({
        'policy:share:backup': '2025-01-12T08:05:00Z',
        'policy:share:forget': '2025-01-12T08:06:00Z',
      }),
    });
    expect(fresh.due).toEqual([]);
  });

  it('runs a repository-wide job once for policies sharing the repository', () => {
    const shared = `  prune:
    schedule:
      cron: '0 3 * * 0'
  offsite:
    remote: cloud
    schedule:
      cron: '0 5 * * *'
`;
    const inventory = inventoryOf({
      sites: [siteYaml()],
      policies: [
        policyYaml({ name: 'finance', cron: '0 2 * * *', path: 'office', extra: shared }),
        policyYaml({ name: 'general', cron: '0 2 * * *', path: 'office', extra: shared }),
      ],
    });
    const d = decide({ inventory, site: 'lisle', now: at('2025-01-12T18:00:00Z') });
    expect(jobsOf(d)).toEqual([
      'backup finance',
      'backup general',
      'forget finance',
      'forget general',
      'prune finance+general',
      'sync finance+general',
    ]);
    expect(d.due.find((j) => j.job === 'prune')?.reason).toMatch(
      /; also for policy "general" \(same repository\)$/,
    );
    const keys = [...d.due, ...d.waiting].map((j) => j.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps per-policy jobs apart on a shared repository', () => {
    const inventory = inventoryOf({
      sites: [siteYaml()],
      policies: [
        policyYaml({ name: 'finance', cron: '0 2 * * *', path: 'office' }),
        policyYaml({ name: 'general', cron: '0 2 * * *', path: 'office' }),
      ],
    });
    const d = decide({ inventory, site: 'lisle', now: at('2025-01-12T18:00:00Z') });
    expect(d.due.filter((j) => j.job === 'backup')).toHaveLength(2);
  });
});

describe('dueJobs: retries and bad input', () => {
  const lastSuccess = history({
    'policy:share:backup': '2025-01-14T08:05:00Z',
    'policy:share:forget': '2025-01-14T08:06:00Z',
  });

  it('waits before retrying a run time whose attempt did not succeed; a new run time is due at once', () => {
    const lastAttempt = history({ 'policy:share:backup': '2025-01-15T08:00:00Z' });
    const soon = decide({
      inventory: nightly,
      site: 'lisle',
      now: at('2025-01-15T08:10:00Z'),
      lastSuccess,
      lastAttempt,
    });
    expect(soon.due).toEqual([]);
    expect(soon.waiting.map((j) => [j.job, j.status, j.until?.toISOString()])).toEqual([
      ['backup', 'retry-later', '2025-01-15T08:30:00.000Z'],
    ]);
    expect(soon.waiting[0]?.reason).toMatch(
      /last attempt 10m ago did not succeed: retry from Wed 2025-01-15 02:30/,
    );
    const later = decide({
      inventory: nightly,
      site: 'lisle',
      now: at('2025-01-15T08:30:00Z'),
      lastSuccess,
      lastAttempt,
    });
    expect(jobsOf(later)).toEqual(['backup share', 'forget share']);
    const nextNight = decide({
      inventory: nightly,
      site: 'lisle',
      now: at('2025-01-16T08:00:00Z'),
      lastSuccess,
      lastAttempt: history({ 'policy:share:backup': '2025-01-16T07:59:00Z' }),
    });
    expect(jobsOf(nextNight)).toEqual(['backup share', 'forget share']);
  });

  it('reports an unknown site instead of deciding nothing silently', () => {
    const d = decide({ inventory: nightly, site: 'nowhere', now: at('2025-01-15T08:00:00Z') });
    expect(d.error).toBe('site "nowhere" is not in the inventory');
    expect(d.due).toEqual([]);
  });

  it('skips a job with an invalid cron or time zone, saying which, and decides the rest', () => {
    const inventory = inventoryOf({
      sites: [siteYaml()],
      policies: [
        policyYaml({ name: 'bad-cron', cron: '61 2 * * *' }),
        policyYaml({ name: 'bad-zone', cron: '0 2 * * *', timezone: 'Mars/Olympus' }),
        policyYaml({ name: 'fine', cron: '0 2 * * *' }),
      ],
    });
    const d = decide({ inventory, site: 'lisle', now: at('2025-01-15T08:00:00Z') });
    expect(d.skipped.map((s) => [s.subject.name, s.job])).toEqual([
      ['bad-cron', 'backup'],
      ['bad-zone', 'backup'],
    ]);
    expect(d.skipped[0]?.reason).toMatch(/^cron "61 2 \* \* \*" is invalid: /);
    expect(d.skipped[1]?.reason).toBe('time zone "Mars/Olympus" is not an IANA zone');
    expect(jobsOf(d)).toEqual(['backup fine', 'forget fine']);
  });

  it('ignores other sites’ policies', () => {
    const inventory = inventoryOf({
      sites: [siteYaml(), siteYaml({ name: 'portage' })],
      policies: [policyYaml({ name: 'share', cron: '0 2 * * *', site: 'portage' })],
    });
    expect(decide({ inventory, site: 'lisle', now: at('2025-01-15T08:00:00Z') }).due).toEqual([]);
    expect(jobsOf(decide({ inventory, site: 'portage', now: at('2025-01-15T08:00:00Z') }))).toEqual([
      'backup share',
      'forget share',
    ]);
  });
});
