import { describe, expect, it } from 'vitest';
import {
  type Argv,
  backupArgs,
  badReadDataSubset,
  type CommonArgs,
  catConfigArgs,
  checkArgs,
  forgetArgs,
  hasKeepRule,
  initArgs,
  pruneArgs,
  redactRepository,
  restoreArgs,
  snapshotsArgs,
  statsArgs,
  unlockArgs,
} from './args.js';
import { parseResticVersion, resticFeatures } from './version.js';

const at = (version: string, extra: Partial<CommonArgs> = {}): CommonArgs => {
  const v = parseResticVersion(`restic ${version}`);
  if (!v) throw new Error(version);
  return { features: resticFeatures(v), ...extra };
};
const V014 = at('0.14.0');
const V017 = at('0.17.1');

const argv = (a: Argv): string[] => {
  if (!a.ok) throw new Error(`refused: ${a.error.code} ${a.error.message}`);
  return a.argv;
};
const refused = (a: Argv) => (a.ok ? undefined : a.error);

describe('backup', () => {
  it('builds --json backup with joined flag values and the paths after --', () => {
    const a = backupArgs(V014, {
      paths: ['/srv/share', '/etc'],
      host: 'nas-lisle',
      tags: ['office', 'daily'],
      excludes: ['*.tmp'],
      oneFileSystem: true,
    });
    expect(a).toEqual({
      ok: true,
      features: [],
      argv: [
        'backup',
        '--json',
        '--host=nas-lisle',
        '--tag=office',
        '--tag=daily',
        '--exclude=*.tmp',
        '--one-file-system',
        '--',
        '/srv/share',
        '/etc',
      ],
    });
  });

  it('keeps values that look like flags as values', () => {
    expect(argv(backupArgs(V014, { paths: ['/-rf'], host: '--remove-all' }))).toEqual([
      'backup',
      '--json',
      '--host=--remove-all',
      '--',
      '/-rf',
    ]);
  });

  it('refuses no paths, relative paths, commas in tags and control characters', () => {
    expect(refused(backupArgs(V014, { paths: [] }))?.code).toBe('restic.bad-option');
    expect(refused(backupArgs(V014, { paths: ['srv/share'] }))?.message).toBe(
      'source path "srv/share" is not an absolute path',
    );
    expect(refused(backupArgs(V014, { paths: ['/srv'], tags: ['a,b'] }))?.message).toContain('comma');
    expect(refused(backupArgs(V014, { paths: ['/srv'], host: 'a\nb' }))?.message).toContain(
      'control character',
    );
    expect(refused(backupArgs(V014, { paths: ['/srv'], host: ' ' }))?.message).toBe('host is empty');
  });
});

describe('repository and password never in argv; --retry-lock only where restic has it', () => {
  const all = (c: CommonArgs): Argv[] => [
    initArgs(c),
    backupArgs(c, { paths: ['/srv'] }),
    snapshotsArgs(c),
    forgetArgs(c, { keep: { last: 1 } }),
    pruneArgs(c),
    checkArgs(c),
    restoreArgs(c, { snapshot: 'latest', target: '/tmp/x' }),
    unlockArgs(c),
    statsArgs(c),
    catConfigArgs(c),
  ];

  it('has no -r/--repo/--password* flag in any command', () => {
    for (const a of [...all(V014), ...all(V017)]) {
      for (const arg of argv(a)) expect(arg).not.toMatch(/^(-r|--repo|--repository|--password)/);
    }
  });

  it('adds --retry-lock on ≥ 0.16 to locking commands only, never on 0.14', () => {
    const withRetry = at('0.16.0', { retryLockSeconds: 134.2 });
    expect(argv(backupArgs(withRetry, { paths: ['/srv'] }))[0]).toBe('--retry-lock=135s');
    expect(
      backupArgs(withRetry, { paths: ['/srv'] }).ok && backupArgs(withRetry, { paths: ['/srv'] }),
    ).toMatchObject({
      features: ['retry-lock'],
    });
    expect(argv(initArgs(withRetry))).toEqual(['init']);
    expect(argv(unlockArgs(withRetry))).toEqual(['unlock']);
    expect(argv(catConfigArgs(withRetry))).toEqual(['cat', 'config']);
    for (const a of all({ ...V014, retryLockSeconds: 60 }))
      expect(argv(a).join(' ')).not.toContain('retry-lock');
    expect(argv(checkArgs(at('0.16.0', { retryLockSeconds: 0 })))).toEqual(['check']);
  });

  it('passes the cache directory when given', () => {
    expect(argv(snapshotsArgs({ ...V014, cacheDir: '/var/cache/lifeboat' }))).toEqual([
      '--cache-dir=/var/cache/lifeboat',
      'snapshots',
      '--json',
    ]);
  });
});

describe('unlock', () => {
  it('never removes live locks: no --remove-all, whatever happens', () => {
    expect(argv(unlockArgs(V014))).toEqual(['unlock']);
    expect(argv(unlockArgs(V017))).toEqual(['unlock']);
  });
});

describe('snapshots', () => {
  it('filters by host, tags (alternatives) and paths', () => {
    expect(argv(snapshotsArgs(V014, { host: 'h1', tags: ['a', 'b'], paths: ['/srv'] }))).toEqual([
      'snapshots',
      '--json',
      '--host=h1',
      '--tag=a',
      '--tag=b',
      '--path=/srv',
    ]);
    expect(refused(snapshotsArgs(V014, { paths: ['srv'] }))?.code).toBe('restic.bad-option');
  });
});

describe('forget', () => {
  it('builds every keep rule, scope, grouping and dry-run', () => {
    expect(
      argv(
        forgetArgs(V014, {
          keep: { last: 3, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 5, within: '1y6m' },
          host: 'pos-1',
          tags: ['pos'],
          groupBy: ['host', 'tags'],
          dryRun: true,
          scoped: true,
        }),
      ),
    ).toEqual([
      'forget',
      '--json',
      '--keep-last=3',
      '--keep-hourly=24',
      '--keep-daily=7',
      '--keep-weekly=4',
      '--keep-monthly=12',
      '--keep-yearly=5',
      '--keep-within=1y6m',
      '--host=pos-1',
      '--tag=pos',
      '--group-by=host,tags',
      '--dry-run',
    ]);
  });

  it('adds --no-lock (and no --retry-lock) to a dry run only; a forget that deletes must lock', () => {
    const withRetry = at('0.17.1', { retryLockSeconds: 30 });
    const dry = argv(
      forgetArgs(withRetry, { keep: { daily: 3 }, tags: ['policy:a'], dryRun: true, noLock: true }),
    );
    expect(dry.slice(-2)).toEqual(['--dry-run', '--no-lock']);
    expect(dry.some((a) => a.startsWith('--retry-lock'))).toBe(false);
    expect(refused(forgetArgs(V014, { keep: { daily: 3 }, tags: ['policy:a'], noLock: true }))?.message).toBe(
      '--no-lock goes only with a dry run: a forget that deletes must lock',
    );
  });

  it('refuses a forget without any keep rule (it would remove everything selected)', () => {
    expect(refused(forgetArgs(V014, { keep: {} }))?.code).toBe('restic.forget-no-rule');
    expect(refused(forgetArgs(V014, { keep: { within: '0d' } }))?.code).toBe('restic.forget-no-rule');
    expect(hasKeepRule({ within: '0d12h' })).toBe(true);
    expect(hasKeepRule({ daily: 1 })).toBe(true);
  });

  it('refuses zero, negative, fractional counts and bad durations', () => {
    expect(refused(forgetArgs(V014, { keep: { last: 0 } }))?.message).toBe(
      '--keep-last must be a whole number of at least 1, got 0',
    );
    expect(refused(forgetArgs(V014, { keep: { daily: -1 } }))?.code).toBe('restic.bad-option');
    expect(refused(forgetArgs(V014, { keep: { weekly: 1.5 } }))?.code).toBe('restic.bad-option');
    expect(refused(forgetArgs(V014, { keep: { within: '30 days' } }))?.code).toBe('restic.bad-option');
    expect(refused(forgetArgs(V014, { keep: { within: '2w' } }))?.code).toBe('restic.bad-option');
  });

  it('refuses an unscoped forget when it must be scoped (shared repository)', () => {
    expect(refused(forgetArgs(V014, { keep: { last: 1 }, scoped: true }))?.code).toBe(
      'restic.forget-unscoped',
    );
    expect(refused(forgetArgs(V014, { keep: { last: 1 }, scoped: true, tags: [] }))?.code).toBe(
      'restic.forget-unscoped',
    );
    expect(forgetArgs(V014, { keep: { last: 1 }, scoped: true, host: 'h1' }).ok).toBe(true);
    expect(forgetArgs(V014, { keep: { last: 1 }, scoped: true, tags: ['pos'] }).ok).toBe(true);
    expect(forgetArgs(V014, { keep: { last: 1 } }).ok).toBe(true);
  });
});

describe('check', () => {
  it('reads all data or a subset', () => {
    expect(argv(checkArgs(V014))).toEqual(['check']);
    expect(argv(checkArgs(V014, { readData: true }))).toEqual(['check', '--read-data']);
    expect(argv(checkArgs(V014, { readDataSubset: '2/7' }))).toEqual(['check', '--read-data-subset=2/7']);
    expect(refused(checkArgs(V014, { readData: true, readDataSubset: '1/2' }))?.code).toBe(
      'restic.bad-option',
    );
  });

  it('validates --read-data-subset like restic', () => {
    for (const ok of ['1/3', '3/3', '1/1', '10%', '2.5%', '100%', '500M', '1G', '1024']) {
      expect(badReadDataSubset(ok), ok).toBeUndefined();
    }
    for (const bad of ['0/3', '4/3', '1/0', '0%', '101%', '0', 'abc', '1/3/5', '-1/3', '']) {
      expect(badReadDataSubset(bad), bad).toBeTypeOf('string');
    }
  });
});

describe('restore', () => {
  it('restores a snapshot id or latest (with filters) to a target, with --verify and --include', () => {
    expect(
      argv(
        restoreArgs(V014, {
          snapshot: 'latest',
          target: '/tmp/drill',
          include: ['/srv/share/a.txt'],
          host: 'h1',
          paths: ['/srv/share'],
          verify: true,
        }),
      ),
    ).toEqual([
      'restore',
      'latest',
      '--target=/tmp/drill',
      '--include=/srv/share/a.txt',
      '--host=h1',
      '--path=/srv/share',
      '--verify',
    ]);
    expect(argv(restoreArgs(V014, { snapshot: '8f4fbd7b', target: '/tmp/x' }))).toEqual([
      'restore',
      '8f4fbd7b',
      '--target=/tmp/x',
    ]);
  });

  it('accepts only hex snapshot ids or latest', () => {
    const id64 = 'a'.repeat(64);
    expect(restoreArgs(V014, { snapshot: id64, target: '/t' }).ok).toBe(true);
    for (const bad of ['deadbee', 'DEADBEEF', '--help', 'latest;', 'a'.repeat(65), 'g0000000', '']) {
      expect(refused(restoreArgs(V014, { snapshot: bad, target: '/t' }))?.code, bad).toBe(
        'restic.bad-option',
      );
    }
    expect(refused(restoreArgs(V014, { snapshot: 'deadbeef', target: '/t', host: 'h1' }))?.code).toBe(
      'restic.bad-option',
    );
    expect(refused(restoreArgs(V014, { snapshot: 'latest', target: 'relative/dir' }))?.code).toBe(
      'restic.bad-option',
    );
  });

  it('uses --dry-run and --json only where restic has them', () => {
    expect(refused(restoreArgs(V014, { snapshot: 'latest', target: '/t', dryRun: true }))?.code).toBe(
      'restic.unsupported',
    );
    expect(restoreArgs(V017, { snapshot: 'latest', target: '/t', dryRun: true })).toEqual({
      ok: true,
      argv: ['restore', 'latest', '--target=/t', '--dry-run', '--json'],
      features: ['restore-json', 'restore-dry-run'],
    });
  });
});

describe('prune, stats, init, cat config', () => {
  it('builds them, validating --max-unused', () => {
    expect(argv(pruneArgs(V014, { maxUnused: '5%', dryRun: true }))).toEqual([
      'prune',
      '--max-unused=5%',
      '--dry-run',
    ]);
    expect(argv(pruneArgs(V014, { maxUnused: 'unlimited' }))).toEqual(['prune', '--max-unused=unlimited']);
    expect(refused(pruneArgs(V014, { maxUnused: 'lots' }))?.code).toBe('restic.bad-option');
    expect(argv(statsArgs(V014, { mode: 'raw-data', host: 'h1' }))).toEqual([
      'stats',
      '--json',
      '--mode=raw-data',
      '--host=h1',
    ]);
    expect(argv(initArgs(V014))).toEqual(['init']);
    expect(argv(catConfigArgs(V014))).toEqual(['cat', 'config']);
  });
});

describe('redactRepository', () => {
  it('strips URL credentials and keeps everything else', () => {
    expect(redactRepository('rest:https://backup:s3cr3t@nas.lisle:8000/office/')).toBe(
      'rest:https://nas.lisle:8000/office/',
    );
    expect(redactRepository('rest:http://u:p%40ss@127.0.0.1:1234/')).toBe('rest:http://127.0.0.1:1234/');
    expect(redactRepository('Fatal: unable to open rest:http://a:b@h/ and s3:https://x:y@s3.example/b')).toBe(
      'Fatal: unable to open rest:http://h/ and s3:https://s3.example/b',
    );
    expect(redactRepository('sftp:backup@nas:/srv/restic')).toBe('sftp:backup@nas:/srv/restic');
    expect(redactRepository('/srv/restic-repo')).toBe('/srv/restic-repo');
    expect(redactRepository('s3:s3.amazonaws.com/bucket')).toBe('s3:s3.amazonaws.com/bucket');
  });
});
