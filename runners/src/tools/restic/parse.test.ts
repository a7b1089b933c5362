import { describe, expect, it } from 'vitest';
import {
  parseBackupLine,
  parseBackupOutput,
  parseCheck,
  parseConfig,
  parseExitError,
  parseForget,
  parseInit,
  parsePrune,
  parseRestore,
  parseRestoreProgress,
  parseSnapshots,
  parseStats,
  type ResticProgress,
} from './parse.js';
import { fixture } from './testing/fixtures.js';

const v014 = (scenario: string) => fixture('v0.14', scenario);

describe('backup --json', () => {
  it('turns every status line of a real 0.14 backup into progress, then reads the summary', () => {
    const f = v014('backup-ok-with-progress');
    const progress: ResticProgress[] = [];
    for (const line of f.stdout.split('\n')) {
      const parsed = parseBackupLine(line);
      if (parsed?.kind === 'status') progress.push(parsed.progress);
    }
    expect(progress.length).toBe(f.stdout.split('\n').filter((l) => l.includes('"status"')).length);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress[0]).toMatchObject({
      phase: 'backup',
      fraction: 0,
      totalBytes: 60_000_000,
      bytesDone: 0,
      totalFiles: 1,
    });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.fraction).toBeGreaterThanOrEqual(progress[i - 1]?.fraction ?? 0);
      expect(progress[i]?.bytesDone).toBeLessThanOrEqual(60_000_000);
    }
    expect(progress.at(-1)?.currentFiles[0]).toMatch(/\/big\/blob\.bin$/);

    const out = parseBackupOutput(f.stdout, f.stderr);
    expect(out.summary).toEqual({
      snapshotId: 'aabed5d6',
      filesNew: 1,
      filesChanged: 0,
      filesUnmodified: 0,
      dirsNew: 3,
      dirsChanged: 0,
      dirsUnmodified: 0,
      dataBlobs: 41,
      treeBlobs: 4,
      dataAdded: 60_004_126,
      totalFilesProcessed: 1,
      totalBytesProcessed: 60_000_000,
      totalDuration: 0.707196895,
    });
    expect(out.errors).toEqual([]);
    expect(out.missingSources).toEqual([]);
  });

  it('an interrupted backup (SIGINT) has progress but no summary, and leaves no lock', () => {
    const f = v014('backup-interrupted-sigint');
    const out = parseBackupOutput(f.stdout, f.stderr);
    expect(out.summary).toBeUndefined();
    expect(out.errors).toEqual([]);
    const last = f.stdout.trim().split('\n').at(-1) ?? '';
    expect(parseBackupLine(last)).toMatchObject({ kind: 'status', progress: { totalBytes: 300_000_000 } });
    expect(v014('locks-after-sigint')).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('an unchanged second backup adds nothing', () => {
    const out = parseBackupOutput(v014('backup-second-unchanged').stdout, '');
    expect(out.summary).toMatchObject({ filesUnmodified: 1, dataAdded: 0, filesNew: 0 });
  });

  it('sees the source 0.14 skipped while exiting 0', () => {
    const f = v014('backup-missing-one-source');
    expect(f.exitCode).toBe(0);
    const out = parseBackupOutput(f.stdout, f.stderr);
    expect(out.summary?.snapshotId).toBe('e7367427');
    expect(out.missingSources).toHaveLength(1);
    expect(out.missingSources[0]).toMatch(/^\/tmp\/lifeboat-restic-capture\.\w+\/does-not-exist$/);
  });

  it('reads 0.14’s Go-struct error lines for unreadable files (exit 3)', () => {
    const f = v014('backup-unreadable-file');
    expect(f.exitCode).toBe(3);
    const out = parseBackupOutput(f.stdout, f.stderr);
    expect(out.summary?.snapshotId).toBe('86928924');
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({
      during: 'archival',
      message: 'open: errno 13 (permission denied)',
    });
    expect(out.errors[0]?.item).toMatch(/\/unreadable\/bad$/);
  });

  it('reads newer error lines and 64-digit snapshot ids', () => {
    const line =
      '{"message_type":"error","error":{"message":"open /x: permission denied"},"during":"archival","item":"/x"}';
    expect(parseBackupLine(line)).toEqual({
      kind: 'error',
      error: { item: '/x', message: 'open /x: permission denied', during: 'archival' },
    });
    const f = fixture('hand-written', 'v0.19.0-backup-missing-source-exit-3');
    const out = parseBackupOutput(f.stdout, f.stderr);
    expect(out.summary?.snapshotId).toHaveLength(64);
    expect(out.missingSources).toEqual(['/srv/missing']);
  });

  it('ignores everything that is not a known JSON message', () => {
    for (const line of [
      '',
      'not json',
      '{bad json',
      '[1,2]',
      '"string"',
      '{"message_type":"verbose_status","action":"new","item":"/a"}',
      '{"message_type":"summary","snapshot_id":"not-hex"}',
      '{"message_type":"summary"}',
      'Warning: at least one source file could not be read',
    ]) {
      expect(parseBackupLine(line), line).toBeUndefined();
    }
    // Fields of the wrong type read as 0 rather than poisoning the numbers.
    const odd = parseBackupLine(
      '{"message_type":"status","percent_done":"half","bytes_done":null,"total_bytes":10}',
    );
    expect(odd).toMatchObject({ kind: 'status', progress: { fraction: 0, bytesDone: 0, totalBytes: 10 } });
    const over = parseBackupLine('{"message_type":"status","percent_done":1.7}');
    expect(over?.kind === 'status' && over.progress.fraction).toBe(1);
  });
});

describe('snapshots --json', () => {
  it('reads snapshots of two hosts sharing a repository', () => {
    const r = parseSnapshots(v014('snapshots-two-hosts').stdout);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.map((s) => [s.shortId, s.hostname, s.tags])).toEqual([
      ['aabed5d6', 'h1', ['office']],
      ['b148aa8e', 'h1', ['office']],
      ['e7367427', 'h1', []],
      ['05c480b3', 'h2', ['pos']],
      ['de3f5501', 'h2', ['pos']],
    ]);
    expect(r.value[1]).toMatchObject({
      id: 'b148aa8ea916f50cdeb8cd54eb088baa481224b65c68653454ae9948f7fa7f47',
      parent: 'aabed5d688c5bac4c651d03822eecea9b3bcd42f0e29a7cbaea7846c7c5252ec',
      username: 'root',
      time: '2026-11-22T05:42:23.621382485Z',
    });
    expect(r.value[1]?.paths[0]).toMatch(/\/big$/);
  });

  it('reads an empty match as [] and refuses garbage', () => {
    expect(parseSnapshots(v014('snapshots-none-match').stdout)).toEqual({ ok: true, value: [] });
    expect(parseSnapshots('null\n')).toEqual({ ok: true, value: [] });
    expect(parseSnapshots('garbage').ok).toBe(false);
    expect(parseSnapshots('{"id":"x"}').ok).toBe(false);
    expect(parseSnapshots('[{"time":"2026-01-01T00:00:00Z"}]').ok).toBe(false);
  });
});

describe('forget --json', () => {
  it('lists what a host-scoped dry run keeps (with reasons) and removes', () => {
    const r = parseForget(v014('forget-dry-run-scoped-host').stdout);
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toHaveLength(1);
    const [group] = r.value;
    expect(group?.host).toBe('h2');
    expect(group?.tags).toEqual([]);
    expect(group?.keep.map((s) => [s.shortId, s.reasons])).toEqual([['de3f5501', ['last snapshot']]]);
    expect(group?.remove.map((s) => s.shortId)).toEqual(['05c480b3']);
  });

  it('matches 0.14’s id-less reasons to kept snapshots by time and tree', () => {
    const r = parseForget(v014('forget-dry-run-daily').stdout);
    if (!r.ok) throw new Error(r.message);
    expect(r.value[0]?.keep.map((s) => [s.shortId, s.reasons])).toEqual([
      ['b148aa8e', ['within 1d', 'last snapshot', 'daily snapshot']],
      ['aabed5d6', ['within 1d']],
    ]);
    expect(r.value[0]?.remove).toEqual([]);
  });

  it('reads an applied forget the same way, and tolerates empty output', () => {
    const r = parseForget(v014('forget-applied').stdout);
    expect(r.ok && r.value[0]?.remove.map((s) => s.shortId)).toEqual(['05c480b3']);
    expect(parseForget('')).toEqual({ ok: true, value: [] });
    expect(parseForget('[{"keep":[{"id":"zz"}]}]').ok).toBe(false);
    expect(parseForget('oops').ok).toBe(false);
  });
});

describe('stats, cat config, init, prune', () => {
  it('reads them from real output', () => {
    expect(parseStats(v014('stats-restore-size').stdout)).toEqual({
      ok: true,
      value: { totalSize: 120_600_020, totalFileCount: 20, snapshotsCount: 4 },
    });
    expect(parseStats(v014('stats-raw-data').stdout)).toEqual({
      ok: true,
      value: { totalSize: 60_308_463, totalFileCount: 0, snapshotsCount: 4, totalBlobCount: 58 },
    });
    expect(parseStats('{}').ok).toBe(false);
    expect(parseConfig(v014('cat-config').stdout)).toEqual({
      ok: true,
      value: {
        version: 2,
        id: 'cc0fe9ce7eb958a7ccb163b87e5b039dfe7b94aa9fdd810c58e1378b4e92a995',
        chunkerPolynomial: '2e26e580d19ca9',
      },
    });
    expect(parseConfig('Fatal: nope').ok).toBe(false);
    expect(parseInit(v014('init-ok').stdout)).toEqual({ repositoryId: 'cc0fe9ce7e' });
    expect(parseInit('{"message_type":"initialized","id":"abc123","repository":"/r"}')).toEqual({
      repositoryId: 'abc123',
    });
    expect(parsePrune(v014('prune-ok').stdout)).toEqual({
      prunedBlobs: 1,
      prunedSize: '246 B',
      remainingBlobs: 58,
      remainingSize: '57.515 MiB',
    });
  });
});

describe('check (0.14 text)', () => {
  it('reads a clean check and a 1/3 subset', () => {
    expect(parseCheck(v014('check-ok').stdout, v014('check-ok').stderr)).toEqual({
      clean: true,
      errors: [],
      readAllData: false,
    });
    const subset = v014('check-subset-1-of-3');
    expect(parseCheck(subset.stdout, subset.stderr)).toMatchObject({
      clean: true,
      subset: { group: 1, groups: 3, packsRead: 4, totalPacks: 10 },
    });
  });

  it('reads the errors of a corrupted pack; a metadata-only check does not see it', () => {
    const bad = v014('check-corrupt-pack-read-data');
    const report = parseCheck(bad.stdout, bad.stderr);
    expect(report.clean).toBe(false);
    expect(report.readAllData).toBe(true);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatch(/^Pack ID does not match, want [0-9a-f]{64}, got [0-9a-f]{64}$/);
    const blind = v014('check-corrupt-pack-metadata-only');
    expect(parseCheck(blind.stdout, blind.stderr).clean).toBe(true);
  });

  it('a locked check is not clean; the outcome (locked) comes from classifyRestic, not from here', () => {
    const locked = v014('locked-check');
    const report = parseCheck(locked.stdout, locked.stderr);
    expect(report.clean).toBe(false);
    expect(report.errors[0]).toMatch(
      /^unable to create lock in backend: repository is already locked by PID \d+/,
    );
  });
});

describe('restore', () => {
  it('reads 0.14’s text: snapshot, verified count, per-file errors', () => {
    const ok = v014('restore-verify-ok');
    expect(parseRestore(ok.stdout, ok.stderr)).toEqual({
      snapshotShortId: 'de3f5501',
      verifiedFiles: 2,
      errors: [],
    });
    const blocked = v014('restore-target-blocked');
    const r = parseRestore(blocked.stdout, blocked.stderr);
    expect(r.errors.length).toBeGreaterThan(3);
    expect(r.errors[0]).toEqual({
      item: '/tmp',
      message: expect.stringMatching(/^mkdir .*\/blocked\/tmp: not a directory$/),
    });
    const full = v014('restore-no-space');
    expect(parseRestore(full.stdout, full.stderr).errors[0]?.message).toMatch(/no space left on device$/);
  });

  it('reads ≥ 0.17 JSON lines: progress and summary', () => {
    const f = fixture('hand-written', 'v0.17.0-restore-json');
    const progress = f.stdout.split('\n').map(parseRestoreProgress).filter(Boolean);
    expect(progress).toEqual([
      expect.objectContaining({
        phase: 'restore',
        fraction: 0.5,
        filesDone: 2,
        bytesDone: 1024,
        secondsElapsed: 1,
      }),
      expect.objectContaining({ phase: 'restore', fraction: 1, filesDone: 4, bytesDone: 2048 }),
    ]);
    expect(parseRestore(f.stdout, f.stderr)).toEqual({
      filesRestored: 4,
      bytesRestored: 2048,
      totalFiles: 4,
      totalBytes: 2048,
      secondsElapsed: 2,
      errors: [],
    });
    const bad = fixture('hand-written', 'v0.17.0-restore-json-error');
    expect(parseRestore(bad.stdout, bad.stderr).errors).toEqual([
      {
        item: '/srv/share/a.txt',
        message: 'write /tmp/drill/srv/share/a.txt: no space left on device',
        during: 'restore',
      },
    ]);
  });
});

describe('exit_error (≥ 0.18)', () => {
  it('reads the final JSON error message', () => {
    expect(parseExitError(fixture('hand-written', 'v0.18.0-exit-error-json').stderr)).toMatchObject({
      code: 12,
    });
    expect(parseExitError(v014('wrong-password').stderr)).toBeUndefined();
  });
});
