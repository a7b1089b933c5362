import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../exec/exec.js';
import { makeExt4Image, makeTempDir, makeVfatImage, type TempDir } from '../../testing/disk-images.js';
import {
  deviceSize,
  filesystemUsage,
  formatBytes,
  freeSpace,
  parseDumpe2fs,
  parseFsckFatUsage,
  spaceShortfall,
} from './space.js';

const fixture = (name: string): { stdout: string } =>
  JSON.parse(readFileSync(new URL(`./fixtures/debian-12/${name}.json`, import.meta.url), 'utf8'));

/** partclone's own "Space in use: … = N Blocks" × "Block size: B Byte" for the same filesystem. */
const partcloneUsed = async (binary: string, source: string): Promise<number> => {
  const r = await exec(binary, [
    '-c',
    '-s',
    source,
    '-O',
    '/dev/null',
    '-L',
    join(tmpdir(), `lb-${process.pid}.log`),
    '-B',
  ]);
  const blocks = /Space in use:.*= (\d+) Blocks/.exec(r.stderr);
  const size = /Block size:\s+(\d+) Byte/.exec(r.stderr);
  return Number(blocks?.[1]) * Number(size?.[1]);
};

describe('space', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp.remove());

  it('parses dumpe2fs -h and fsck.fat -n -v', () => {
    const ext = parseDumpe2fs(fixture('dumpe2fs-ext4').stdout);
    expect(ext?.totalBytes).toBe(16 * 1024 * 1024);
    expect(ext?.usedBytes).toBeGreaterThan(3_000_000);
    const fat = parseFsckFatUsage(fixture('fsck-fat-verbose-used').stdout);
    expect(fat).toEqual({ usedBytes: 83968 + 1466 * 2048, totalBytes: 65536 * 512, method: 'fsck.fat' });
    expect(parseDumpe2fs('')).toBeUndefined();
    expect(parseFsckFatUsage('fsck.fat 4.2')).toBeUndefined();
  });

  it('used bytes probed without mounting agree with partclone within a few blocks', async () => {
    const files = { 'a.bin': new Uint8Array(5_000_000).fill(1), 'b/c.txt': 'x' };
    const ext4 = await makeExt4Image({ path: join(tmp.path, 'e.img'), sizeMiB: 16, files });
    const vfat = await makeVfatImage({ path: join(tmp.path, 'v.img'), sizeMiB: 32, files });
    const e = await filesystemUsage('ext4', ext4);
    expect(e?.method).toBe('dumpe2fs');
    expect(Math.abs((e?.usedBytes ?? 0) - (await partcloneUsed('partclone.ext4', ext4)))).toBeLessThanOrEqual(
      4096,
    );
    const v = await filesystemUsage('vfat', vfat);
    expect(v?.method).toBe('fsck.fat');
    expect(Math.abs((v?.usedBytes ?? 0) - (await partcloneUsed('partclone.fat', vfat)))).toBeLessThanOrEqual(
      4096,
    );
    expect(await filesystemUsage('ntfs', ext4)).toBeUndefined();
    expect(await filesystemUsage('ext4', vfat)).toBeUndefined();
  });

  it('free space of a directory and the size of a file', async () => {
    const free = await freeSpace(tmp.path);
    expect(free.availableBytes).toBeGreaterThan(0);
    expect(free.totalBytes).toBeGreaterThanOrEqual(free.availableBytes);
    const img = await makeExt4Image({ path: join(tmp.path, 's.img'), sizeMiB: 4 });
    expect(await deviceSize(img)).toBe(4 * 1024 * 1024);
    expect(await deviceSize(tmp.path)).toBeUndefined();
    await expect(deviceSize(join(tmp.path, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('shortfall: enough, not enough, not enough once the reserve is kept', () => {
    expect(spaceShortfall(100, 100)).toBeUndefined();
    expect(spaceShortfall(5 * 1024 ** 3, 1024 ** 3, 0, '/srv/images')).toBe(
      'needs 5.0 GiB but /srv/images has 1.0 GiB free',
    );
    expect(spaceShortfall(100, 150, 60)).toBe(
      'needs 100 B but the target directory has 150 B free (keeping 60 B in reserve)',
    );
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
