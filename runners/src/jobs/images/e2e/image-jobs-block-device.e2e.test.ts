// The image jobs on real block devices (loop devices over disk image files): capture from a device,
// restore onto a device, SD write to a device "card" read back past the page cache. Runs where loop
// devices can be attached (root, /dev/loop-control); skipped elsewhere, saying why.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../exec/exec.js';
import { makeExt4Image, makeMbrDiskImage, makeTempDir, type TempDir } from '../../../testing/disk-images.js';
import { sha256File } from '../../../tools/disk/sha256.js';
import { imageCaptureJob } from '../capture.js';
import { readManifest } from '../manifest.js';
import { mountedFrom } from '../ranges.js';
import { imageRestoreJob } from '../restore.js';
import { sdWriteJob } from '../sd-write.js';
import { examineDisk, expectedEvidence, okRecord, validRecord } from '../testing/checks.js';
import { imageContext, imageInventory, imagePlanned } from '../testing/image-fixtures.js';
import { attachLoop, type LoopDevice, loopDevicesUnusable } from '../testing/loop-device.js';

const MiB = 1024 * 1024;
const unusable = await loopDevicesUnusable();

describe.skipIf(unusable !== undefined)(
  `image jobs on block devices${unusable ? ` (skipped: ${unusable})` : ''}`,
  () => {
    let tmp: TempDir;
    const loops: LoopDevice[] = [];
    beforeEach(async () => {
      tmp = await makeTempDir('lifeboat-image-block-e2e-');
    });
    afterEach(async () => {
      for (const loop of loops.splice(0)) await loop.detach();
      await tmp.remove();
    });

    const loop = async (file: string) => {
      const attached = await attachLoop(file);
      loops.push(attached);
      return attached.device;
    };

    it('captures from a device, restores onto a device, writes a device card and reads it back from the device', async () => {
      const disk = await makeMbrDiskImage({
        dir: tmp.path,
        secondFiles: { 'srv/kvm/firmware.bin': randomBytes(1_000_000) },
      });
      const source = await loop(disk.path);
      const nas = join(tmp.path, 'nas');
      const dirs = { stateDir: join(tmp.path, 'state'), sandboxDir: join(tmp.path, 'sandbox') };
      for (const d of [nas, dirs.stateDir, dirs.sandboxDir]) await mkdir(d);
      const inventory = imageInventory(nas, [
        {
          name: 'kvm',
          disk: { ...disk, path: source },
          device: true,
          extra: '  sdCard:\n    zeroEnds: true\n    readBackVerify: true\n',
        },
      ]);
      const context = imageContext(inventory, dirs);
      const planned = imagePlanned('kvm');

      okRecord(await imageCaptureJob()(planned, context));
      const read = await readManifest(join(nas, 'images/test/kvm/1.0.0'));
      if (!read.ok) throw new Error(read.error.message);
      expect(read.manifest.source).toEqual({ path: source, kind: 'device', sizeBytes: disk.sizeBytes });

      const targetFile = join(tmp.path, 'target.img');
      await writeFile(targetFile, randomBytes(56 * MiB));
      const target = await loop(targetFile);
      expect(await mountedFrom(target)).toEqual([]);
      const restored = okRecord(await imageRestoreJob({ target })(planned, context));
      expect(restored.verification?.passed).toBe(true);
      expect(await examineDisk(target, read.manifest, tmp.path)).toEqual(expectedEvidence(read.manifest));

      const cardFile = join(tmp.path, 'card.img');
      await writeFile(cardFile, randomBytes(64 * MiB));
      const card = await loop(cardFile);
      const written = okRecord(await sdWriteJob({ card })(planned, context));
      expect(written.stats).toMatchObject({ cardBytes: 64 * MiB, imageBytes: 49 * MiB });
      expect(written.verification?.passed).toBe(true);
      expect(await examineDisk(card, read.manifest, tmp.path)).toEqual(expectedEvidence(read.manifest));
    }, 90_000);

    it('refuses a mounted device as capture source, restore target and card, touching nothing', async () => {
      const disk = await makeMbrDiskImage({ dir: tmp.path });
      const nas = join(tmp.path, 'nas');
      const dirs = { stateDir: join(tmp.path, 'state'), sandboxDir: join(tmp.path, 'sandbox') };
      for (const d of [nas, dirs.stateDir, dirs.sandboxDir]) await mkdir(d);
      const fileInventory = imageInventory(nas, [{ name: 'kvm', disk }]);
      okRecord(await imageCaptureJob()(imagePlanned('kvm'), imageContext(fileInventory, dirs)));

      // A whole ext4 filesystem on a loop device, mounted: a disk in use.
      const fsFile = await makeExt4Image({ path: join(tmp.path, 'busy.img'), sizeMiB: 64 });
      const busy = await loop(fsFile);
      const mountPoint = join(tmp.path, 'mnt');
      await mkdir(mountPoint);
      // Read-only, so the kernel itself does not change the bytes this test compares.
      const mounted = await exec('mount', ['-o', 'ro', busy, mountPoint], { timeoutMs: 30_000 });
      if (mounted.exitCode !== 0) throw new Error(`mount: ${mounted.stderr}`);
      try {
        expect(await mountedFrom(busy)).toEqual([busy]);
        const before = await sha256File(fsFile);
        const busyInventory = imageInventory(nas, [
          { name: 'busy', disk: { ...disk, path: busy }, device: true },
        ]);
        const capture = validRecord(
          await imageCaptureJob()(imagePlanned('busy'), imageContext(busyInventory, dirs)),
        );
        expect(capture.error?.code).toBe('image.source-busy');
        const context = imageContext(fileInventory, dirs);
        const restore = validRecord(await imageRestoreJob({ target: busy })(imagePlanned('kvm'), context));
        expect(restore.error?.code).toBe('image.target-invalid');
        expect(restore.error?.message).toMatch(/is mounted .*unmount it first/);
        const write = validRecord(await sdWriteJob({ card: busy })(imagePlanned('kvm'), context));
        expect(write.error?.code).toBe('image.target-invalid');
        await exec('umount', [mountPoint], { timeoutMs: 30_000 });
        expect(await sha256File(fsFile)).toEqual(before);
      } finally {
        await exec('umount', [mountPoint], { timeoutMs: 30_000 });
      }
    }, 90_000);

    it('a restore target without space: a clear error before anything is written, nothing created', async () => {
      const disk = await makeMbrDiskImage({
        dir: tmp.path,
        secondFiles: { 'srv/blob.bin': randomBytes(6_000_000) },
      });
      const nas = join(tmp.path, 'nas');
      const dirs = { stateDir: join(tmp.path, 'state'), sandboxDir: join(tmp.path, 'sandbox') };
      for (const d of [nas, dirs.stateDir, dirs.sandboxDir]) await mkdir(d);
      const inventory = imageInventory(nas, [{ name: 'kvm', disk }]);
      const context = imageContext(inventory, dirs);
      okRecord(await imageCaptureJob()(imagePlanned('kvm'), context));
      const small = join(tmp.path, 'small');
      await mkdir(small);
      const mounted = await exec('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small], {
        timeoutMs: 30_000,
      });
      if (mounted.exitCode !== 0) throw new Error(`mount tmpfs: ${mounted.stderr}`);
      try {
        const target = join(small, 'disk.img');
        const refused = validRecord(await imageRestoreJob({ target })(imagePlanned('kvm'), context));
        expect(refused.error?.code).toBe('image.no-space');
        expect(refused.error?.message).toMatch(/needs .* but ".*small" has .* free: nothing written/);
        expect(await readdir(small)).toEqual([]);
      } finally {
        await exec('umount', [small], { timeoutMs: 30_000 });
      }
    }, 90_000);
  },
);
