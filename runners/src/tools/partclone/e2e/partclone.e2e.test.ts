// The partclone adapter against the real partclone, zstd, e2fsck and fsck.vfat on file-backed filesystems:
// capture → restore into a new sparse file → re-capture hash equal → fsck clean, and the faults.
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, open, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeExt4Image, makeTempDir, makeVfatImage, type TempDir } from '../../../testing/disk-images.js';
import { checkFilesystem } from '../../disk/fsck.js';
import { sha256File } from '../../disk/sha256.js';
import { freeSpace } from '../../disk/space.js';
import type { PartcloneProgress } from '../parse.js';
import { captureFilesystem, recaptureHash, restoreFilesystem } from '../partclone.js';

const files = () => ({
  'srv/kvm/firmware.bin': randomBytes(2_000_000),
  'etc/hostname': 'kvm-lisle-03\n',
  'etc/kvm/site.crt': randomBytes(1500).toString('base64'),
});

const must = <T>(r: { outcome: string; value?: T; error?: { code: string; message: string } }): T => {
  if (r.outcome !== 'ok' || r.value === undefined)
    throw new Error(`${r.outcome}: ${JSON.stringify(r.error)}`);
  return r.value;
};

const flipBytes = async (path: string, at: number) => {
  const fh = await open(path, 'r+');
  const b = Buffer.alloc(4);
  await fh.read(b, 0, 4, at);
  for (let i = 0; i < 4; i++) b[i] = (b[i] ?? 0) ^ 0xff;
  await fh.write(b, 0, 4, at);
  await fh.close();
};

describe('partclone adapter with the real tools', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-partclone-e2e-');
  });
  afterEach(() => tmp.remove());

  it.each([
    ['ext4', 0, 'zstd'],
    ['vfat', 1, 'zstd'],
    ['ext4', 1, 'none'],
  ] as const)(
    '%s -a%i %s: capture → restore to a new sparse file → re-capture hash equal → fsck clean',
    async (fs, checksumMode, compression) => {
      const source =
        fs === 'ext4'
          ? await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 16, files: files() })
          : await makeVfatImage({ path: join(tmp.path, 'source.img'), sizeMiB: 32, files: files() });
      const progress: PartcloneProgress[] = [];
      const output = join(tmp.path, `partition.pcl${compression === 'zstd' ? '.zst' : ''}`);
      const captured = await captureFilesystem({
        fs,
        source,
        output,
        checksumMode,
        compression,
        onProgress: (p) => progress.push(p),
      });
      const image = must(captured);
      expect(captured.tool).toBe('partclone');
      expect(captured.version).toBe('0.3.23');
      // The SHA-256 of the stored bytes was taken in the same pass as the write.
      expect(await sha256File(output)).toEqual({ sha256: image.sha256, bytes: image.storedBytes });
      if (compression === 'zstd') expect(image.storedBytes).toBeLessThan(image.rawBytes);
      else expect(image.rawSha256).toBe(image.sha256);
      expect(image.summary.usedBytes).toBeGreaterThan(2_000_000);
      expect(progress.at(-1)?.percent).toBe(100);
      expect(await readdir(tmp.path)).toEqual(expect.not.arrayContaining([expect.stringMatching(/partial/)]));

      const target = join(tmp.path, 'restored.img');
      const restored = must(
        await restoreFilesystem({ fs, image: output, target, expectedSha256: image.sha256, compression }),
      );
      expect(restored.createdTarget).toBe(true);
      expect(restored.sha256).toBe(image.sha256);
      const size = await stat(target);
      expect(size.size).toBe((await stat(source)).size);
      expect(size.blocks * 512).toBeLessThan(size.size); // sparse: only used blocks were written

      const again = must(await recaptureHash({ fs, source: target, checksumMode }));
      expect(again.rawSha256).toBe(image.rawSha256);
      const fsck = await checkFilesystem(fs, target);
      expect(fsck.outcome).toBe('ok');
      expect(fsck.report?.clean).toBe(true);
    },
    60_000,
  );

  it('restores into an existing file in place (-O) and re-captures the same stream', async () => {
    const source = await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 16, files: files() });
    const output = join(tmp.path, 'root.pcl.zst');
    const image = must(
      await captureFilesystem({ fs: 'ext4', source, output, checksumMode: 0, compression: 'zstd' }),
    );
    const target = join(tmp.path, 'card.img');
    await writeFile(target, randomBytes(16 * 1024 * 1024));
    const restored = must(
      await restoreFilesystem({
        fs: 'ext4',
        image: output,
        target,
        expectedSha256: image.sha256,
        compression: 'zstd',
      }),
    );
    expect(restored.createdTarget).toBe(false);
    expect(must(await recaptureHash({ fs: 'ext4', source: target, checksumMode: 0 })).rawSha256).toBe(
      image.rawSha256,
    );
  }, 60_000);

  it('a corrupted image is refused BEFORE the target is written: target bytes unchanged, no new file created', async () => {
    const source = await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 16, files: files() });
    const output = join(tmp.path, 'root.pcl.zst');
    const image = must(
      await captureFilesystem({ fs: 'ext4', source, output, checksumMode: 0, compression: 'zstd' }),
    );
    const corrupt = join(tmp.path, 'corrupt.pcl.zst');
    await copyFile(output, corrupt);
    await flipBytes(corrupt, Math.floor(image.storedBytes / 2));

    const target = join(tmp.path, 'existing-target.img');
    await writeFile(target, randomBytes(16 * 1024 * 1024));
    const before = await sha256File(target);
    const refused = await restoreFilesystem({
      fs: 'ext4',
      image: corrupt,
      target,
      expectedSha256: image.sha256,
      compression: 'zstd',
    });
    expect(refused.outcome).toBe('failed');
    expect(refused.outcome === 'failed' && refused.error.code).toBe('partclone.image-corrupt');
    expect(refused.outcome === 'failed' && refused.error.message).toContain('untouched');
    expect(refused.exitCode).toBeUndefined(); // partclone never ran
    expect(await sha256File(target)).toEqual(before);

    const fresh = join(tmp.path, 'never-created.img');
    const refusedNew = await restoreFilesystem({
      fs: 'ext4',
      image: corrupt,
      target: fresh,
      expectedSha256: image.sha256,
      compression: 'zstd',
    });
    expect(refusedNew.outcome === 'failed' && refusedNew.error.code).toBe('partclone.image-corrupt');
    await expect(stat(fresh)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('partclone exiting 0 without its success line → failed partclone.no-success-line, no image kept', async () => {
    const source = await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 8, files: files() });
    const liar = join(tmp.path, 'partclone.ext4');
    await writeFile(liar, '#!/bin/sh\necho "Partclone v0.3.23 http://partclone.org" >&2\nexit 0\n');
    await chmod(liar, 0o755);
    const output = join(tmp.path, 'root.pcl.zst');
    const r = await captureFilesystem({
      fs: 'ext4',
      source,
      output,
      checksumMode: 0,
      compression: 'zstd',
      binary: liar,
    });
    expect(r.outcome).toBe('failed');
    expect(r.exitCode).toBe(0);
    expect(r.outcome === 'failed' && r.error.code).toBe('partclone.no-success-line');
    expect((await readdir(tmp.path)).sort()).toEqual(['partclone.ext4', 'source.img']);
  }, 60_000);

  it('refuses before starting: too little free space, an unknown checksum mode, an existing output, a missing source', async () => {
    const source = await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 8, files: files() });
    const output = join(tmp.path, 'root.pcl.zst');
    const free = await freeSpace(tmp.path);
    const full = await captureFilesystem({
      fs: 'ext4',
      source,
      output,
      checksumMode: 0,
      compression: 'zstd',
      reserveBytes: free.availableBytes,
    });
    expect(full.outcome === 'failed' && full.error.code).toBe('partclone.no-space');
    expect(full.outcome === 'failed' && full.error.message).toMatch(/needs [\d.]+ MiB but/);
    const a3 = await captureFilesystem({ fs: 'ext4', source, output, checksumMode: 3, compression: 'zstd' });
    expect(a3.outcome === 'failed' && a3.error.code).toBe('partclone.checksum-mode-unsupported');
    const missing = await captureFilesystem({
      fs: 'ext4',
      source: join(tmp.path, 'missing.img'),
      output,
      checksumMode: 0,
      compression: 'zstd',
    });
    expect(missing.outcome === 'failed' && missing.error.code).toBe('partclone.source-missing');
    expect(await readdir(tmp.path)).toEqual(['source.img']);
    await writeFile(output, 'previous version');
    const exists = await captureFilesystem({
      fs: 'ext4',
      source,
      output,
      checksumMode: 0,
      compression: 'zstd',
    });
    expect(exists.outcome === 'failed' && exists.error.code).toBe('partclone.output-exists');
    const wrongFs = await captureFilesystem({
      fs: 'vfat',
      source,
      output: join(tmp.path, 'x.pcl'),
      checksumMode: 0,
      compression: 'none',
    });
    expect(wrongFs.outcome === 'failed' && wrongFs.error.code).toBe('partclone.wrong-filesystem');
  }, 60_000);

  it('cancelling a capture kills partclone and zstd and leaves no partial image', async () => {
    const source = await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 16, files: files() });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await captureFilesystem({
      fs: 'ext4',
      source,
      output: join(tmp.path, 'root.pcl.zst'),
      checksumMode: 0,
      compression: 'zstd',
      signal: controller.signal,
    });
    expect(r.outcome).toBe('cancelled');
    expect(await readdir(tmp.path)).toEqual(['source.img']);
  }, 60_000);

  it('an image that is not zstd data → decompress-failed, and the new target file is removed', async () => {
    const source = await makeExt4Image({ path: join(tmp.path, 'source.img'), sizeMiB: 8, files: files() });
    const output = join(tmp.path, 'root.pcl');
    const image = must(
      await captureFilesystem({ fs: 'ext4', source, output, checksumMode: 0, compression: 'none' }),
    );
    const target = join(tmp.path, 'restored.img');
    const r = await restoreFilesystem({
      fs: 'ext4',
      image: output,
      target,
      expectedSha256: image.sha256,
      compression: 'zstd',
    });
    expect(r.outcome === 'failed' && r.error.code).toBe('partclone.decompress-failed');
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('dd: raw capture and a restore written by Node (partclone.dd cannot restore from a stream)', async () => {
    const source = await makeVfatImage({ path: join(tmp.path, 'boot.img'), sizeMiB: 8, files: files() });
    const output = join(tmp.path, 'boot.dd.zst');
    const image = must(
      await captureFilesystem({ fs: 'dd', source, output, checksumMode: 0, compression: 'zstd' }),
    );
    expect(image.rawSha256).toBe((await sha256File(source)).sha256);
    const target = join(tmp.path, 'boot-restored.img');
    must(
      await restoreFilesystem({
        fs: 'dd',
        image: output,
        target,
        expectedSha256: image.sha256,
        compression: 'zstd',
      }),
    );
    expect((await sha256File(target)).sha256).toBe(image.rawSha256);
    expect((await checkFilesystem('vfat', target)).outcome).toBe('ok');
  }, 60_000);
});
