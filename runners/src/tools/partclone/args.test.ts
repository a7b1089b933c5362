import { Filesystem } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { exec } from '../../exec/exec.js';
import { FILESYSTEMS } from '../disk/filesystem.js';
import {
  captureArgs,
  checkAbsolutePath,
  checkFilesystem,
  PARTCLONE_BINARIES,
  restoreArgs,
  zstdCompressArgs,
} from './args.js';

const ok = <T>(b: { ok: true; value: T } | { ok: false }) => (b.ok ? b.value : undefined);
const code = (b: { ok: true } | { ok: false; error: { code: string } }) => (b.ok ? undefined : b.error.code);

describe('partclone argv', () => {
  it('capture: image to stdout, log always, checksum mode, no block detail, 1 s progress', () => {
    expect(
      ok(captureArgs('ext4', { source: '/dev/sda2', logFile: '/tmp/l/partclone.log', checksumMode: 0 })),
    ).toEqual(['-c', '-s', '/dev/sda2', '-o', '-', '-L', '/tmp/l/partclone.log', '-a0', '-B', '-f', '1']);
  });

  it('dd capture has no image format: no -c, no -a', () => {
    expect(ok(captureArgs('dd', { source: '/dev/sdb', logFile: '/tmp/l', checksumMode: 1 }))).toEqual([
      '-s',
      '/dev/sdb',
      '-o',
      '-',
      '-L',
      '/tmp/l',
      '-B',
      '-f',
      '1',
    ]);
  });

  it('restore: stdin → -O existing target, or -W -O for a new sparse file; never plain -o', () => {
    const existing = ok(restoreArgs('vfat', { target: '/dev/mmcblk0p1', logFile: '/tmp/l', newFile: false }));
    expect(existing).toEqual(['-r', '-s', '-', '-O', '/dev/mmcblk0p1', '-L', '/tmp/l', '-B', '-f', '1']);
    const fresh = ok(
      restoreArgs('ext4', { target: '/srv/drill/root.img', logFile: '/tmp/l', newFile: true }),
    );
    expect(fresh).toEqual([
      '-r',
      '-s',
      '-',
      '-W',
      '-O',
      '/srv/drill/root.img',
      '-L',
      '/tmp/l',
      '-B',
      '-f',
      '1',
    ]);
    expect(existing).not.toContain('-o');
    expect(fresh).not.toContain('-o');
  });

  it('refuses dd restores through partclone, relative paths, traversal and bad modes', () => {
    expect(code(restoreArgs('dd', { target: '/dev/sdb', logFile: '/tmp/l', newFile: false }))).toBe(
      'partclone.invalid-argument',
    );
    expect(code(captureArgs('ext4', { source: 'sda2', logFile: '/tmp/l', checksumMode: 0 }))).toBe(
      'partclone.invalid-argument',
    );
    expect(code(captureArgs('ext4', { source: '/dev/sda2', logFile: '/tmp/l', checksumMode: 1.5 }))).toBe(
      'partclone.invalid-argument',
    );
    expect(code(checkAbsolutePath('/srv/../etc/shadow', 'target'))).toBe('partclone.invalid-argument');
    expect(code(checkAbsolutePath('/srv/a\nb', 'target'))).toBe('partclone.invalid-argument');
    expect(code(checkFilesystem('reiserfs'))).toBe('partclone.invalid-argument');
    expect(code(zstdCompressArgs(22))).toBe('partclone.invalid-argument');
    expect(ok(zstdCompressArgs(19))).toContain('-19');
  });

  it('maps exactly the filesystems of the core Image schema, each to an installed partclone binary', async () => {
    const declared = Filesystem.anyOf.map((s) => s.const);
    expect([...declared].sort()).toEqual([...FILESYSTEMS].sort());
    expect(Object.keys(PARTCLONE_BINARIES).sort()).toEqual([...FILESYSTEMS].sort());
    expect(PARTCLONE_BINARIES.vfat).toBe('partclone.fat');
    expect(PARTCLONE_BINARIES.fat32).toBe('partclone.fat');
    for (const binary of new Set(Object.values(PARTCLONE_BINARIES))) {
      expect((await exec(binary, ['-v'])).stdout, binary).toMatch(/^Partclone : v0\.3\.\d+/);
    }
  });
});
