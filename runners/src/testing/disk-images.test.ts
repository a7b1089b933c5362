import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../exec/exec.js';
import { sha256File } from '../tools/disk/sha256.js';
import {
  MBR_GAP_MARKER,
  makeExt4Image,
  makeGptDiskImage,
  makeMbrDiskImage,
  makeTempDir,
  makeVfatImage,
  type TempDir,
} from './disk-images.js';

describe('test disk images (no root, no loop devices)', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp.remove());

  it('ext4 from a file tree, readable with debugfs and fsck-clean', async () => {
    const img = await makeExt4Image({
      path: join(tmp.path, 'root.img'),
      sizeMiB: 8,
      files: { 'etc/hostname': 'lane-1\n', 'srv/pos/config.json': '{"lane":1}' },
    });
    expect((await stat(img)).size).toBe(8 * 1024 * 1024);
    const cat = await exec('debugfs', ['-R', 'cat /srv/pos/config.json', img]);
    expect(cat.stdout).toBe('{"lane":1}');
    expect((await exec('e2fsck', ['-fn', img])).exitCode).toBe(0);
  });

  it('vfat from a file tree, readable with mtype and fsck-clean', async () => {
    const img = await makeVfatImage({
      path: join(tmp.path, 'boot.img'),
      sizeMiB: 4,
      files: { 'config.txt': 'kvm=1\n', 'overlays/a.dtbo': 'x' },
    });
    const type = await exec('mtype', ['-i', img, '::/config.txt'], { env: { MTOOLS_SKIP_CHECK: '1' } });
    expect(type.stdout).toBe('kvm=1\n');
    const dir = await exec('mdir', ['-b', '-i', img, '::/overlays'], { env: { MTOOLS_SKIP_CHECK: '1' } });
    expect(dir.stdout).toContain('a.dtbo');
    expect((await exec('fsck.vfat', ['-n', img])).exitCode).toBe(0);
  });

  it('GPT disk: EFI + OS at 1 MiB alignment, partitions byte-identical to their images', async () => {
    const disk = await makeGptDiskImage({ dir: tmp.path });
    const dump = await exec('sfdisk', ['--dump', disk.path]);
    expect(dump.stdout).toContain('label: gpt');
    expect(dump.stdout).toMatch(
      /start=\s+2048, size=\s+32768, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B.*name="EFI"/,
    );
    expect(dump.stdout).toMatch(
      /start=\s+34816, size=\s+65536, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4.*name="OS"/,
    );
    for (const p of disk.partitions) {
      const inDisk = await sha256File(disk.path, { start: p.startBytes, length: p.sizeBytes });
      expect(inDisk.sha256).toBe((await sha256File(p.image)).sha256);
    }
    expect((await stat(disk.path)).size).toBe(disk.sizeBytes);
    expect((await exec('sgdisk', ['--verify', disk.path])).stdout).toContain('No problems found');
  });

  it('MBR disk: bootable FAT + Linux root, and a boot loader in the gap before partition 1', async () => {
    const disk = await makeMbrDiskImage({ dir: tmp.path, firstMiB: 8, secondMiB: 16 });
    const dump = await exec('sfdisk', ['--dump', disk.path]);
    expect(dump.stdout).toContain('label: dos');
    expect(dump.stdout).toMatch(/start=\s+2048, size=\s+16384, type=c, bootable/);
    expect(dump.stdout).toMatch(/start=\s+18432, size=\s+32768, type=83/);
    const head = await readFile(disk.path);
    expect(head.subarray(2048, 2048 + MBR_GAP_MARKER.length).toString()).toBe(MBR_GAP_MARKER);
    const root = disk.partitions[1];
    if (!root) throw new Error('no root partition');
    const inDisk = await sha256File(disk.path, { start: root.startBytes, length: root.sizeBytes });
    expect(inDisk.sha256).toBe((await sha256File(root.image)).sha256);
  });
});
