import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRestic } from '../tools/restic/testing/fake-restic.js';
import { latestRestoreSize, listSnapshot, parseLs, snapshotRestoreSize } from './snapshot-inspect.js';

// Captured from restic 0.14.0: `ls --json --recursive <id> /tmp/rt/src/d` (atime/ctime trimmed).
const LS_014 = [
  '{"time":"2026-11-22T06:13:50.784158823Z","tree":"9f0550a4","paths":["/tmp/rt/src"],"hostname":"vm","username":"root","tags":["policy:x"],"id":"410d9d9fea45785f378cdb07e24bd6b652c7aead2de9bdf531f14b0612fc5463","short_id":"410d9d9f","struct_type":"snapshot"}',
  '{"name":"d","type":"dir","path":"/tmp/rt/src/d","uid":0,"gid":0,"mode":2147484141,"permissions":"drwxr-xr-x","mtime":"2026-11-22T06:13:47.60034703Z","struct_type":"node"}',
  '{"name":"a.txt","type":"file","path":"/tmp/rt/src/d/a.txt","uid":0,"gid":0,"size":3,"mode":420,"permissions":"-rw-r--r--","mtime":"2026-11-22T06:13:47.60034703Z","struct_type":"node"}',
  '',
].join('\n');

describe('snapshot inspection', () => {
  it('reads restic 0.14 ls --json: nodes after the snapshot line', () => {
    expect(parseLs(LS_014)).toEqual({
      ok: true,
      value: [
        { path: '/tmp/rt/src/d', type: 'dir', size: 0 },
        { path: '/tmp/rt/src/d/a.txt', type: 'file', size: 3 },
      ],
    });
    expect(parseLs('Fatal: no snapshot\n').ok).toBe(false);
  });

  it('refuses ids and paths it would not hand to restic, without running it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-jobs-inspect-'));
    try {
      const fake = await fakeRestic(dir, { version: '0.14.0' });
      const target = { repository: '/srv/x', env: { RESTIC_PASSWORD: 'pw' }, binary: fake.binary };
      expect((await snapshotRestoreSize(target, '--help')).outcome).toBe('failed');
      expect((await listSnapshot(target, 'deadbeef', ['relative/path'])).outcome).toBe('failed');
      expect(await fake.calls()).toEqual([]);
      const sized = await fakeRestic(join(dir, 'sized'), {
        version: '0.14.0',
        reply: {
          stdout: '{"total_size":10005,"total_file_count":8,"snapshots_count":1}\n',
          stderr: '',
          exitCode: 0,
        },
      });
      const r = await snapshotRestoreSize(
        { ...target, binary: sized.binary, cacheDir: '/tmp/c' },
        'deadbeef',
      );
      expect(r.outcome === 'ok' && r.value).toEqual({ bytes: 10005, files: 8 });
      const [call] = await sized.calls();
      expect(call?.argv).toEqual([
        '--cache-dir=/tmp/c',
        'stats',
        '--json',
        '--mode=restore-size',
        'deadbeef',
      ]);
      expect(call?.env).toMatchObject({ RESTIC_PASSWORD: 'pw', RESTIC_REPOSITORY: '/srv/x' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('asks for the restore size of latest by tags and host, and refuses filters restic would misread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-jobs-inspect-'));
    try {
      const sized = await fakeRestic(dir, {
        version: '0.14.0',
        reply: {
          stdout: '{"total_size":10005,"total_file_count":8,"snapshots_count":1}\n',
          stderr: '',
          exitCode: 0,
        },
      });
      const target = { repository: '/srv/x', env: { RESTIC_PASSWORD: 'pw' }, binary: sized.binary };
      for (const bad of [
        { tags: [] },
        { tags: ['a,b'] },
        { tags: ['policy:x'], host: '' },
        { tags: ['policy:\nx'] },
      ]) {
        expect((await latestRestoreSize(target, bad)).outcome).toBe('failed');
      }
      expect(await sized.calls()).toEqual([]);
      const r = await latestRestoreSize(target, { tags: ['policy:x'], host: '-h' });
      expect(r.outcome === 'ok' && r.value).toEqual({ bytes: 10005, files: 8, snapshots: 1 });
      const [call] = await sized.calls();
      // Joined values: a host starting with "-" stays a value.
      expect(call?.argv).toEqual([
        'stats',
        '--json',
        '--mode=restore-size',
        '--tag=policy:x',
        '--host=-h',
        'latest',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
