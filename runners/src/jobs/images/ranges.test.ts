import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSparseFile, makeTempDir, type TempDir } from '../../testing/disk-images.js';
import { sha256File } from '../../tools/disk/sha256.js';
import { copyRangeSparse, dropDeviceCache, mountedFrom, readAt, writeAt } from './ranges.js';

const MiB = 1024 * 1024;

describe('byte ranges', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-ranges-');
  });
  afterEach(() => tmp.remove());

  /** 8 MiB: random MiB, 5 MiB of zeros, random MiB, zeros. */
  const disk = async () => {
    const path = join(tmp.path, 'disk.img');
    const a = randomBytes(MiB);
    const b = randomBytes(MiB);
    await writeFile(path, Buffer.concat([a, Buffer.alloc(5 * MiB), b, Buffer.alloc(MiB)]));
    return path;
  };

  it('extracts a range into a new sparse file: zeros left as holes, hash of every byte', async () => {
    const source = await disk();
    const part = join(tmp.path, 'part.img');
    const report = await copyRangeSparse(source, part, {
      sourceOffset: MiB / 2,
      length: 7 * MiB,
      create: true,
      skipZeros: true,
    });
    expect(report.bytes).toBe(7 * MiB);
    expect(report.written).toBeLessThan(2 * MiB + 128 * 1024);
    const info = await stat(part);
    expect(info.size).toBe(7 * MiB);
    expect(info.blocks * 512).toBeLessThan(3 * MiB);
    const expected = await sha256File(source, { start: MiB / 2, length: 7 * MiB });
    expect(report.sha256).toBe(expected.sha256);
    expect(await sha256File(part)).toEqual(expected);
  });

  it('into an existing target it writes zeros too (the target held data) and never truncates it', async () => {
    const source = await disk();
    const target = join(tmp.path, 'target.img');
    await writeFile(target, Buffer.alloc(12 * MiB, 0xee));
    const report = await copyRangeSparse(source, target, { targetOffset: 2 * MiB, length: 8 * MiB });
    expect(report.written).toBe(8 * MiB);
    const after = await readFile(target);
    expect(after.byteLength).toBe(12 * MiB);
    expect(after.subarray(0, 2 * MiB).every((b) => b === 0xee)).toBe(true);
    expect(after.subarray(2 * MiB, 10 * MiB).equals(await readFile(source))).toBe(true);
    expect(after.subarray(10 * MiB).every((b) => b === 0xee)).toBe(true);
  });

  it('a source shorter than the range is an error, not a short copy', async () => {
    const source = await disk();
    await expect(
      copyRangeSparse(source, join(tmp.path, 'x.img'), {
        sourceOffset: 4 * MiB,
        length: 5 * MiB,
        create: true,
      }),
    ).rejects.toThrow(/short read: .* ended after 4194304 of 5242880 bytes/);
  });

  it('create refuses an existing file', async () => {
    const source = await disk();
    await expect(copyRangeSparse(source, source, { length: 1, create: true })).rejects.toThrow(/EEXIST/);
  });

  it('a cancelled copy stops', async () => {
    const source = await disk();
    const controller = new AbortController();
    controller.abort();
    await expect(
      copyRangeSparse(source, join(tmp.path, 'y.img'), {
        length: MiB,
        create: true,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
  });

  it('writeAt / readAt: in place, exact, short reads refused', async () => {
    const path = join(tmp.path, 'card.img');
    await makeSparseFile(path, 4 * MiB);
    await writeAt(path, MiB, Buffer.from('hello'));
    expect((await readAt(path, MiB, 5)).toString()).toBe('hello');
    expect((await stat(path)).size).toBe(4 * MiB);
    await expect(readAt(path, 4 * MiB - 2, 5)).rejects.toThrow(/short read: 2 of 5 bytes/);
  });

  it('dropDeviceCache has nothing to do for a regular file', async () => {
    expect(await dropDeviceCache(await disk())).toBeUndefined();
  });

  it('mountedFrom: nothing for a file; the root filesystem device when there is one', async () => {
    expect(await mountedFrom(await disk())).toEqual([]);
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    const dev = mounts
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .find((s) => /^\/dev\/[a-z]+[0-9]+$/.test(s));
    if (dev) expect(await mountedFrom(dev)).toContain(dev);
  });
});
