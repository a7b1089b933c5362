// How image capture reads a partition of a disk image file: through a read-only loop device as root (no
// scratch copy), else from a scratch copy. Both ways must store the same bytes, say which way they went in
// the record, leave no loop device attached and no scratch file behind — also when partclone fails.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../exec/exec.js';
import { makeGptDiskImage, makeTempDir, type TempDir } from '../../../testing/disk-images.js';
import { loopUnavailable } from '../../../tools/disk/loop-device.js';
import { imageCaptureJob } from '../capture.js';
import { readManifest } from '../manifest.js';
import { okRecord } from '../testing/checks.js';
import { imageContext, imageInventory, imagePlanned } from '../testing/image-fixtures.js';

const loopsOk = (await loopUnavailable()) === undefined;

describe('image capture: how a partition of a disk image file is read', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-capture-via-');
  });
  afterEach(() => tmp.remove());

  const setup = async () => {
    const disk = await makeGptDiskImage({
      dir: tmp.path,
      secondFiles: { 'srv/blob.bin': randomBytes(700_000), 'etc/hostname': 'via\n' },
    });
    const nas = join(tmp.path, 'nas');
    const dirs = { stateDir: join(tmp.path, 'state'), sandboxDir: join(tmp.path, 'sandbox') };
    for (const d of [nas, dirs.stateDir, dirs.sandboxDir]) await mkdir(d);
    const inventory = imageInventory(nas, [{ name: 'gpt-disk', disk }]);
    return { disk, inventory, dirs, planned: imagePlanned('gpt-disk') };
  };

  const attachedTo = async (file: string) =>
    (await exec('losetup', ['--associated', file], { timeoutMs: 15_000 })).stdout.trim();

  it('stores the same image whether it reads through a loop device or a scratch copy', async () => {
    const { disk, inventory, dirs, planned } = await setup();
    const manifests = [];
    for (const loopDevices of ['auto', 'never'] as const) {
      const storeRoot = join(tmp.path, `store-${loopDevices}`);
      const context = imageContext(inventory, dirs);
      const record = okRecord(await imageCaptureJob({ storeRoot, loopDevices })(planned, context));
      const expected = loopDevices === 'auto' && loopsOk ? 'loop-device' : 'scratch-copy';
      expect(record.stats?.partitionsReadVia).toBe(`${expected},${expected}`);
      if (loopDevices === 'auto' && !loopsOk) {
        expect(context.events.map((e) => e.message ?? '')).toContainEqual(
          expect.stringMatching(/no loop device \(.+\); reading it from a scratch copy/),
        );
      }
      const read = await readManifest(join(storeRoot, 'gpt-disk', '1.0.0'));
      if (!read.ok) throw new Error(read.error.message);
      manifests.push(read.manifest);
      // Nothing left over: no loop device on the disk, no scratch file in the store.
      expect(await attachedTo(disk.path)).toBe('');
      expect(
        (await readdir(join(storeRoot, 'gpt-disk', '1.0.0'))).filter((f) => f.includes('scratch')),
      ).toEqual([]);
    }
    const [viaLoop, viaCopy] = manifests;
    expect(viaLoop?.partitions.map((p) => [p.rawSha256, p.image.sha256, p.usedBytes])).toEqual(
      viaCopy?.partitions.map((p) => [p.rawSha256, p.image.sha256, p.usedBytes]),
    );
  });

  it.skipIf(!loopsOk)('detaches the loop device when partclone fails', async () => {
    const { disk, dirs } = await setup();
    // Partition 1 is FAT: declared as ext4 it makes partclone.ext4 fail on the loop device.
    const wrong = imageInventory(join(tmp.path, 'nas'), [
      {
        name: 'gpt-disk',
        disk: {
          ...disk,
          partitions: disk.partitions.map((p) => ({ ...p, filesystem: 'ext4' as const })),
        },
      },
    ]);
    const record = await imageCaptureJob({ storeRoot: join(tmp.path, 'store') })(
      imagePlanned('gpt-disk'),
      imageContext(wrong, dirs),
    );
    expect(record.outcome).toBe('failed');
    expect(record.error?.message).toMatch(/partition 1/);
    expect(await attachedTo(disk.path)).toBe('');
  });
});
