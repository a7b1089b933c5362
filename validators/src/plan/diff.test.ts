import { describe, expect, it } from 'vitest';
import { diffInventories } from './diff.js';
import { edit, image, inventory, policy, site, textOf } from './testing/plan-inventory.js';

const now = new Date('2025-01-15T12:00:00Z'); // Wed 06:00 in Chicago
const diff = (base: ReturnType<typeof inventory>, head: ReturnType<typeof inventory>, at = now) =>
  diffInventories(base, head, {
    now: at,
    base: { label: 'origin/main', commit: 'a'.repeat(40) },
    head: { label: 'working tree' },
  });

describe('diffInventories: objects', () => {
  it('reports nothing for equal inventories', () => {
    const plan = diff(inventory(site(), policy('share')), inventory(site(), policy('share')));
    expect(plan.summary).toBe('No changes.');
    expect(plan.destructive).toBe(false);
    expect([
      plan.added,
      plan.removed,
      plan.changed,
      plan.schedules,
      plan.retention,
      plan.repositoryMoves,
    ]).toEqual([[], [], [], [], [], []]);
    expect(plan.base).toEqual({
      label: 'origin/main',
      commit: 'a'.repeat(40),
      files: 2,
      objects: 2,
      failedFiles: [],
    });
    expect(plan.now).toBe('2025-01-15T12:00:00.000Z');
  });

  it('lists added, removed and changed objects by kind, then name', () => {
    const base = inventory(site(), policy('zeta'), policy('old'), image('kvm'));
    const head = inventory(
      site(),
      edit(policy('zeta'), (p) => {
        p.spec.host = 'fs02';
      }),
      policy('alpha'),
      image('kvm'),
      image('workstation'),
    );
    const plan = diff(base, head);
    expect(plan.added).toEqual([
      { kind: 'BackupPolicy', name: 'alpha', file: 'policies/alpha.yaml' },
      { kind: 'Image', name: 'workstation', file: 'images/workstation.yaml' },
    ]);
    expect(plan.removed).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'old',
        file: 'policies/old.yaml',
        effect: 'backups, checks, prunes and drills stop; existing snapshots are not deleted',
        repository: 'rest:https://nas1.lisle.example:8000/old',
      },
    ]);
    expect(plan.changed).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'zeta',
        file: 'policies/zeta.yaml',
        changes: [{ path: 'spec.host', change: 'changed', before: 'fs01', after: 'fs02' }],
      },
    ]);
    // alpha's four schedules start, old's four stop, workstation's drill starts.
    expect(plan.summary).toBe('2 added, 1 removed, 1 changed; 9 schedule changes.');
  });

  it('diffs field by field: keys added and removed, list items by name, other lists by index', () => {
    const base = inventory(site(), policy('share'));
    const head = inventory(
      edit(site(), (s) => {
        const [nas1, nas2] = s.spec.nas;
        if (!nas1 || !nas2) throw new Error('fixture');
        // Reordered, one item changed, one added, one removed: matched by name, not position.
        nas1.capacityGiB = 500;
        s.spec.nas = [
          { ...nas1 },
          { name: 'nas3', repository: '/mnt/restic', credentials: { passwordEnv: 'RESTIC_PASSWORD' } },
        ];
        s.spec.offsite = [{ name: 'cloud', remote: 'b2', path: 'lifeboat/lisle-2' }];
      }),
      edit(policy('share'), (p) => {
        p.metadata.title = 'Office share';
        p.spec.sources.paths = ['/srv/shares/c', '/srv/shares/b', '/srv/shares/d'];
        delete p.spec.host;
      }),
    );
    const plan = diff(base, head);
    const siteChanges = plan.changed.find((c) => c.kind === 'Site')?.changes;
    expect(siteChanges).toEqual([
      { path: 'spec.nas[name="nas1"].capacityGiB', change: 'added', after: 500 },
      {
        path: 'spec.nas[name="nas3"]',
        change: 'added',
        after: { name: 'nas3', repository: '/mnt/restic', credentials: { passwordEnv: 'RESTIC_PASSWORD' } },
      },
      {
        path: 'spec.nas[name="nas2"]',
        change: 'removed',
        before: {
          name: 'nas2',
          repository: 'sftp:backup@nas2.lisle.example:/srv/restic',
          credentials: { passwordEnv: 'RESTIC_PASSWORD' },
        },
      },
      {
        path: 'spec.offsite[name="cloud"].path',
        change: 'changed',
        before: 'lifeboat/lisle',
        after: 'lifeboat/lisle-2',
      },
    ]);
    expect(plan.changed.find((c) => c.kind === 'BackupPolicy')?.changes).toEqual([
      { path: 'metadata.title', change: 'added', after: 'Office share' },
      { path: 'spec.sources.paths[0]', change: 'changed', before: '/srv/shares/a', after: '/srv/shares/c' },
      { path: 'spec.sources.paths[2]', change: 'added', after: '/srv/shares/d' },
      { path: 'spec.host', change: 'removed', before: 'fs01' },
    ]);
  });

  it('does not report a reorder of named list items, and notes a move to another file', () => {
    const s = site();
    const reordered = edit(s, (copy) => {
      copy.spec.nas.reverse();
    });
    const plan = diff(
      inventory(s, policy('share')),
      inventory(reordered, { file: 'policies/office/share.yaml', object: policy('share') }),
    );
    expect(plan.changed).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'share',
        file: 'policies/office/share.yaml',
        previousFile: 'policies/share.yaml',
        changes: [],
      },
    ]);
  });

  it('calls an object whose file fails to load "not compared", not "removed"', () => {
    const broken = textOf(policy('share')).replace('"keepDaily": 14', '"keepDaily": "many"');
    const plan = diff(
      inventory(site(), policy('share')),
      inventory(site(), { file: 'policies/share.yaml', text: broken }),
    );
    expect(plan.removed).toEqual([]);
    expect(plan.unreadable).toEqual([
      { kind: 'BackupPolicy', name: 'share', file: 'policies/share.yaml', side: 'head' },
    ]);
    expect(plan.head.failedFiles).toEqual(['policies/share.yaml']);
    expect(plan.summary).toBe('1 object not compared; 1 file failed to load at head.');
  });

  it('says when nothing changed among what loaded but files failed', () => {
    const plan = diff(
      inventory(site()),
      inventory(site(), { file: 'policies/junk.yaml', text: 'key: [unclosed' }),
    );
    expect(plan.summary).toBe('No changes among the objects that loaded; 1 file failed to load at head.');
  });
});

describe('diffInventories: schedules', () => {
  it('reports a cron change with the next three runs in the site timezone', () => {
    const plan = diff(
      inventory(site(), policy('share')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.schedule.cron = '15 22 * * *';
        }),
      ),
    );
    expect(plan.schedules).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'share',
        file: 'policies/share.yaml',
        job: 'backup',
        change: 'changed',
        causes: ['cron'],
        before: {
          cron: '30 1 * * *',
          timezone: 'America/Chicago',
          timezoneFrom: 'site',
          nextRuns: ['2025-01-16T01:30:00-06:00', '2025-01-17T01:30:00-06:00', '2025-01-18T01:30:00-06:00'],
        },
        after: {
          cron: '15 22 * * *',
          timezone: 'America/Chicago',
          timezoneFrom: 'site',
          nextRuns: ['2025-01-15T22:15:00-06:00', '2025-01-16T22:15:00-06:00', '2025-01-17T22:15:00-06:00'],
        },
      },
    ]);
  });

  it('shifts every schedule that inherits a changed site timezone, and only those', () => {
    const plan = diff(
      inventory(site(), policy('share')),
      inventory(site('lisle', 'Europe/Berlin'), policy('share')),
    );
    // backup, prune, offsite inherit the site's zone; check pins UTC and does not move.
    expect(plan.schedules.map((s) => [s.job, s.causes])).toEqual([
      ['backup', ['site-timezone']],
      ['prune', ['site-timezone']],
      ['offsite', ['site-timezone']],
    ]);
    expect(plan.schedules[0]?.after).toEqual({
      cron: '30 1 * * *',
      timezone: 'Europe/Berlin',
      timezoneFrom: 'site',
      nextRuns: ['2025-01-16T01:30:00+01:00', '2025-01-17T01:30:00+01:00', '2025-01-18T01:30:00+01:00'],
    });
    expect(plan.changed.map((c) => c.kind)).toEqual(['Site']);
  });

  it('reports an explicit timezone change, a move to another site, and jobs added or removed', () => {
    const plan = diff(
      inventory(site(), site('portage', 'America/Detroit'), policy('share'), policy('moving')),
      inventory(
        site(),
        site('portage', 'America/Detroit'),
        edit(policy('share'), (p) => {
          p.spec.schedule.timezone = 'Asia/Kolkata';
          p.spec.drill = { schedule: { cron: '0 9 1 * *' }, kind: 'sample' };
          delete p.spec.prune;
        }),
        edit(policy('moving'), (p) => {
          p.spec.site = 'portage';
        }),
      ),
    );
    const rows = plan.schedules.map((s) => [s.name, s.job, s.change, s.causes, s.after?.nextRuns[0] ?? null]);
    expect(rows).toEqual([
      ['moving', 'backup', 'changed', ['site'], '2025-01-16T01:30:00-05:00'],
      ['moving', 'prune', 'changed', ['site'], '2025-01-19T03:00:00-05:00'],
      ['moving', 'offsite', 'changed', ['site'], '2025-01-16T05:00:00-05:00'],
      ['share', 'backup', 'changed', ['timezone'], '2025-01-16T01:30:00+05:30'],
      ['share', 'prune', 'removed', [], null],
      ['share', 'drill', 'added', [], '2025-02-01T09:00:00-06:00'],
    ]);
    expect(plan.schedules[3]?.after?.timezoneFrom).toBe('schedule');
  });

  it('lists the schedules of an added policy and an image drill change', () => {
    const plan = diff(
      inventory(site(), image('kvm')),
      inventory(
        site(),
        policy('new'),
        edit(image('kvm'), (i) => {
          if (i.spec.drill) i.spec.drill.schedule.cron = '0 2 * * 5';
        }),
      ),
    );
    expect(plan.schedules.filter((s) => s.name === 'new').map((s) => [s.job, s.change])).toEqual([
      ['backup', 'added'],
      ['check', 'added'],
      ['prune', 'added'],
      ['offsite', 'added'],
    ]);
    const drill = plan.schedules.find((s) => s.kind === 'Image');
    expect(drill?.job).toBe('drill');
    expect(drill?.after?.nextRuns).toEqual([
      '2025-01-17T02:00:00-06:00',
      '2025-01-24T02:00:00-06:00',
      '2025-01-31T02:00:00-06:00',
    ]);
  });

  it('shows run times across a DST change with their real offsets', () => {
    const plan = diff(
      inventory(site(), policy('share')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.schedule.cron = '30 3 * * *';
        }),
      ),
      new Date('2025-03-07T12:00:00Z'),
    );
    expect(plan.schedules[0]?.after?.nextRuns).toEqual([
      '2025-03-08T03:30:00-06:00',
      '2025-03-09T03:30:00-05:00',
      '2025-03-10T03:30:00-05:00',
    ]);
  });

  it('explains a schedule it cannot compute instead of failing', () => {
    const plan = diff(
      inventory(site(), policy('share')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.schedule.cron = '61 * * * *';
          p.spec.offsite = {
            remote: 'cloud',
            schedule: { cron: '0 5 * * *', timezone: 'Mars/Olympus_Mons' },
          };
        }),
      ),
    );
    const backup = plan.schedules.find((s) => s.job === 'backup')?.after;
    expect(backup?.nextRuns).toEqual([]);
    expect(backup?.error).toMatch(/^invalid cron "61 \* \* \* \*"/);
    expect(plan.schedules.find((s) => s.job === 'offsite')?.after?.error).toBe(
      'unknown timezone "Mars/Olympus_Mons"',
    );
  });

  it('falls back to UTC, and says so, when the site is unknown', () => {
    const plan = diff(inventory(), inventory(policy('orphan', 'nowhere')));
    expect(plan.schedules[0]?.after).toMatchObject({ timezone: 'UTC', timezoneFrom: 'fallback-utc' });
    expect(plan.schedules[0]?.after?.nextRuns[0]).toBe('2025-01-16T01:30:00+00:00');
  });
});

describe('diffInventories: retention', () => {
  it('classifies every kind of retention change', () => {
    const plan = diff(
      inventory(site(), policy('share'), policy('other'), image('kvm')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.retention = { keepDaily: 7, keepWeekly: 8, keepWithin: '1d', keepYearly: 2 };
        }),
        edit(policy('other'), (p) => {
          p.spec.retention.keepWithin = '1w';
        }),
        edit(image('kvm'), (i) => {
          i.spec.retention.keepVersions = 2;
        }),
      ),
    );
    expect(plan.retention.map((r) => [r.name, r.key, r.direction, r.destructive, r.reason])).toEqual([
      ['other', 'keepWithin', 'loosened', false, 'keepWithin lengthened from 2d to 1w'],
      ['share', 'keepDaily', 'tightened', true, 'keepDaily lowered from 14 to 7'],
      ['share', 'keepWeekly', 'loosened', false, 'keepWeekly raised from 4 to 8'],
      ['share', 'keepMonthly', 'tightened', true, 'keepMonthly removed (was 6)'],
      ['share', 'keepYearly', 'loosened', false, 'keepYearly added (2)'],
      ['share', 'keepWithin', 'tightened', true, 'keepWithin shortened from 2d to 1d'],
      ['kvm', 'keepVersions', 'tightened', true, 'keepVersions lowered from 5 to 2'],
    ]);
    expect(plan.retention.find((r) => r.key === 'keepMonthly')).toEqual({
      kind: 'BackupPolicy',
      name: 'share',
      file: 'policies/share.yaml',
      key: 'keepMonthly',
      before: 6,
      direction: 'tightened',
      destructive: true,
      reason: 'keepMonthly removed (was 6)',
    });
    expect(plan.destructive).toBe(true);
    expect(plan.summary).toBe(
      'DESTRUCTIVE: 4 retention rules tightened; 0 added, 0 removed, 3 changed; 3 retention rules loosened.',
    );
  });

  it('is not destructive when retention only loosens, nor when a policy is removed', () => {
    const plan = diff(
      inventory(site(), policy('share'), policy('gone')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.retention.keepDaily = 30;
        }),
      ),
    );
    expect(plan.destructive).toBe(false);
    expect(plan.retention.map((r) => r.direction)).toEqual(['loosened']);
    expect(plan.removed.map((r) => r.name)).toEqual(['gone']);
  });
});

describe('diffInventories: repository moves', () => {
  it('reports a policy that points at another target or path', () => {
    const plan = diff(
      inventory(site(), policy('share')),
      inventory(
        site(),
        edit(policy('share'), (p) => {
          p.spec.repository = { target: 'nas2', path: 'office' };
        }),
      ),
    );
    expect(plan.repositoryMoves).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'share',
        file: 'policies/share.yaml',
        cause: 'policy',
        before: {
          site: 'lisle',
          target: 'nas1',
          path: 'share',
          url: 'rest:https://nas1.lisle.example:8000/share',
        },
        after: {
          site: 'lisle',
          target: 'nas2',
          path: 'office',
          url: 'sftp:backup@nas2.lisle.example:/srv/restic/office',
        },
      },
    ]);
  });

  it('reports every policy on a NAS target whose repository URL changed in the site, and no other', () => {
    const plan = diff(
      inventory(
        site(),
        policy('a'),
        policy('b'),
        edit(policy('c'), (p) => {
          p.spec.repository.target = 'nas2';
        }),
      ),
      inventory(
        edit(site(), (s) => {
          const nas1 = s.spec.nas[0];
          if (nas1) nas1.repository = 'rest:https://nas9.lisle.example:8000';
        }),
        policy('a'),
        policy('b'),
        edit(policy('c'), (p) => {
          p.spec.repository.target = 'nas2';
        }),
      ),
    );
    expect(plan.repositoryMoves.map((m) => [m.name, m.cause, m.before.url, m.after.url])).toEqual([
      ['a', 'site-nas', 'rest:https://nas1.lisle.example:8000/a', 'rest:https://nas9.lisle.example:8000/a'],
      ['b', 'site-nas', 'rest:https://nas1.lisle.example:8000/b', 'rest:https://nas9.lisle.example:8000/b'],
    ]);
    expect(plan.summary).toBe('0 added, 0 removed, 1 changed; 2 repository moves.');
  });
});
