// The image jobs with the real partclone, zstd, sfdisk, sgdisk, e2fsck and fsck.fat on file-backed GPT and
// MBR disks: capture → manifest → restore → re-capture hashes equal → fsck clean, a corrupted store
// refused before the target is written, SD-card writes read back, drills timed, retention kept.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../exec/exec.js';
import {
  MBR_GAP_MARKER,
  makeGptDiskImage,
  makeMbrDiskImage,
  makeSparseFile,
  makeTempDir,
  type TempDir,
} from '../../../testing/disk-images.js';
import { readPartitionTable } from '../../../tools/disk/partition-table.js';
import { sha256File } from '../../../tools/disk/sha256.js';
import { imageCaptureJob } from '../capture.js';
import { imageDrillJob } from '../drill.js';
import { readManifest, setPromotion } from '../manifest.js';
import { copyRangeSparse } from '../ranges.js';
import { imageRestoreJob } from '../restore.js';
import { sdWriteJob } from '../sd-write.js';
import { listVersions } from '../store.js';
import { examineDisk, expectedEvidence, okRecord, validRecord } from '../testing/checks.js';
import { type ImageText, imageContext, imageInventory, imagePlanned } from '../testing/image-fixtures.js';

const MiB = 1024 * 1024;

const files = () => ({
  'etc/hostname': 'kvm-lisle-03\n',
  'srv/kvm/firmware.bin': randomBytes(1_500_000),
  'etc/kvm/site.crt': randomBytes(1200).toString('base64'),
});

const flipBytes = async (path: string, at: number) => {
  const fh = await open(path, 'r+');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, at);
    for (let i = 0; i < 4; i++) b[i] = (b[i] ?? 0) ^ 0xff;
    await fh.write(b, 0, 4, at);
  } finally {
    await fh.close();
  }
};

describe('image jobs with the real tools', () => {
  let tmp: TempDir;
  let nas: string;
  let dirs: { stateDir: string; sandboxDir: string };
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-image-jobs-e2e-');
    nas = join(tmp.path, 'nas');
    dirs = { stateDir: join(tmp.path, 'state'), sandboxDir: join(tmp.path, 'sandbox') };
    for (const d of [nas, dirs.stateDir, dirs.sandboxDir]) await mkdir(d);
  });
  afterEach(() => tmp.remove());

  const storeRoot = () => join(nas, 'images/test');

  const setup = async (table: 'gpt' | 'mbr', text: Partial<ImageText> = {}) => {
    const make = table === 'gpt' ? makeGptDiskImage : makeMbrDiskImage;
    const disk = await make({
      dir: tmp.path,
      secondFiles: files(),
      firstFiles: { 'EFI/BOOT/BOOTX64.EFI': randomBytes(4096) },
    });
    const image: ImageText = { name: `${table}-disk`, disk, ...text };
    const inventory = imageInventory(nas, [image]);
    return {
      disk,
      image,
      inventory,
      context: imageContext(inventory, dirs),
      planned: imagePlanned(image.name),
    };
  };

  it.each([
    'gpt',
    'mbr',
  ] as const)('%s: capture → manifest → restore to a new file → re-capture hashes equal → fsck clean', async (table) => {
    const { disk, image, context, planned } = await setup(table, { checksumMode: table === 'mbr' ? 1 : 0 });
    const captured = okRecord(await imageCaptureJob()(planned, context));
    expect(captured).toMatchObject({
      job: 'image-capture',
      site: 'lisle',
      image: image.name,
      tool: { name: 'partclone', version: '0.3.23' },
    });
    expect(context.events.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'progress', 'end']));

    const versionDir = join(storeRoot(), image.name, '1.0.0');
    const read = await readManifest(versionDir);
    if (!read.ok) throw new Error(read.error.message);
    const m = read.manifest;
    expect(m).toMatchObject({
      image: image.name,
      version: '1.0.0',
      deviceClass: 'test-disk',
      promotion: 'candidate',
      source: { path: disk.path, kind: 'file', sizeBytes: disk.sizeBytes },
      partitionTable: { type: table, sectorSize: 512 },
      tools: { partclone: '0.3.23' },
    });
    expect(m.partitions.map((p) => [p.number, p.filesystem, p.startBytes, p.sizeBytes])).toEqual(
      disk.partitions.map((p) => [p.number, p.filesystem, p.startBytes, p.sizeBytes]),
    );
    expect(Boolean(m.partitionTable.gptBackup)).toBe(table === 'gpt');
    // Every stored file is in the version directory with the hash the manifest gives; no work files left.
    const stored = [
      m.partitionTable.dump,
      m.partitionTable.gap,
      ...(m.partitionTable.gptBackup ? [m.partitionTable.gptBackup] : []),
      ...m.partitions.map((p) => p.image),
    ];
    for (const f of stored)
      expect(await sha256File(join(versionDir, f.file))).toEqual({ sha256: f.sha256, bytes: f.bytes });
    expect((await readdir(versionDir)).sort()).toEqual(
      [...stored.map((f) => f.file), 'manifest.json'].sort(),
    );
    expect((await readdir(join(storeRoot(), image.name))).filter((n) => n.startsWith('.'))).toEqual([]);
    for (const p of m.partitions) expect(p.partclone.checksumMode).toBe(table === 'mbr' ? 1 : 0);

    const target = join(tmp.path, 'restored.img');
    const restored = okRecord(await imageRestoreJob({ target })(planned, context));
    expect(restored.job).toBe('image-restore');
    expect(restored.verification).toMatchObject({ passed: true });
    expect(restored.verification?.details).toMatch(
      /re-capture equal, fsck clean, read-back equal.*re-capture equal, fsck clean, read-back equal/,
    );
    const info = await stat(target);
    expect(info.size).toBe(disk.sizeBytes);
    expect(info.blocks * 512).toBeLessThan(info.size); // sparse: free space was not written

    const layout = await readPartitionTable(target);
    const original = await readPartitionTable(disk.path);
    if (layout.outcome !== 'ok' || original.outcome !== 'ok') throw new Error('no table');
    expect(layout.value.partitions).toEqual(original.value.partitions);
    expect(layout.value.labelId).toBe(original.value.labelId);
    if (table === 'gpt') expect((await exec('sgdisk', ['-v', target])).stdout).toMatch(/No problems found/);
    else
      expect((await readFile(target)).subarray(4 * 512, 4 * 512 + MBR_GAP_MARKER.length).toString()).toBe(
        MBR_GAP_MARKER,
      );
    expect(await examineDisk(target, m, tmp.path)).toEqual(expectedEvidence(m));

    // Capturing the restored disk again gives the same raw streams, partition for partition.
    const again = imageInventory(nas, [{ ...image, disk: { ...disk, path: target } }]);
    const second = okRecord(
      await imageCaptureJob({ storeRoot: join(tmp.path, 'second-store') })(
        planned,
        imageContext(again, dirs),
      ),
    );
    expect(second.outcome).toBe('ok');
    const m2 = await readManifest(join(tmp.path, 'second-store', image.name, '1.0.0'));
    expect(m2.ok && m2.manifest.partitions.map((p) => p.rawSha256)).toEqual(
      m.partitions.map((p) => p.rawSha256),
    );
  }, 90_000);

  it('a corrupted stored image is refused before the target is written: target bytes unchanged, no new file', async () => {
    const { context, planned, image } = await setup('gpt');
    okRecord(await imageCaptureJob()(planned, context));
    const versionDir = join(storeRoot(), image.name, '1.0.0');
    const read = await readManifest(versionDir);
    if (!read.ok) throw new Error(read.error.message);
    const p2 = read.manifest.partitions[1];
    if (!p2) throw new Error('no partition 2');
    await flipBytes(join(versionDir, p2.image.file), Math.floor(p2.image.bytes / 2));

    const target = join(tmp.path, 'existing-disk.img');
    await writeFile(target, randomBytes(60 * MiB));
    const before = await sha256File(target);
    const refused = validRecord(await imageRestoreJob({ target })(planned, context));
    expect(refused.outcome).toBe('failed');
    expect(refused.error?.code).toBe('partclone.image-corrupt');
    expect(refused.error?.message).toContain('untouched');
    expect(refused.error?.message).toContain(p2.image.file);
    expect(refused.verification?.passed).toBe(false);
    expect(await sha256File(target)).toEqual(before);

    const fresh = join(tmp.path, 'never-created.img');
    const refusedNew = validRecord(await imageRestoreJob({ target: fresh })(planned, context));
    expect(refusedNew.error?.code).toBe('partclone.image-corrupt');
    await expect(stat(fresh)).rejects.toThrow();

    // The drill of the same store fails the same way, and says so in its record.
    const drilled = validRecord(await imageDrillJob()(planned, context));
    expect(drilled.outcome).toBe('failed');
    expect(drilled.error?.code).toBe('partclone.image-corrupt');
  }, 90_000);

  it('restores onto an existing disk full of old data; refuses a too-small disk and a target inside the store', async () => {
    const { context, planned, image, disk } = await setup('mbr');
    okRecord(await imageCaptureJob()(planned, context));
    const m = await readManifest(join(storeRoot(), image.name, '1.0.0'));
    if (!m.ok) throw new Error(m.error.message);

    const old = join(tmp.path, 'old-disk.img');
    await writeFile(old, randomBytes(disk.sizeBytes + 8 * MiB));
    const restored = okRecord(await imageRestoreJob({ target: old })(planned, context));
    expect(restored.stats).toMatchObject({ createdTarget: false });
    expect(await examineDisk(old, m.manifest, tmp.path)).toEqual(expectedEvidence(m.manifest));

    const small = join(tmp.path, 'small-disk.img');
    await writeFile(small, randomBytes(40 * MiB));
    const before = await sha256File(small);
    const tooSmall = validRecord(await imageRestoreJob({ target: small })(planned, context));
    expect(tooSmall.error?.code).toBe('image.target-too-small');
    expect(tooSmall.error?.message).toMatch(
      /holds 40\.0 MiB, version "1\.0\.0" needs 49\.0 MiB: nothing written/,
    );
    expect(await sha256File(small)).toEqual(before);

    const intoStore = validRecord(
      await imageRestoreJob({ target: join(storeRoot(), image.name, '1.0.0', 'p2-root.pcl.zst') })(
        planned,
        context,
      ),
    );
    expect(intoStore.error?.code).toBe('image.target-invalid');
    expect(intoStore.error?.message).toMatch(/lies inside the image store/);
    const missingVersion = validRecord(
      await imageRestoreJob({ target: small, version: '0.9.0' })(planned, context),
    );
    expect(missingVersion.error?.code).toBe('image.version-missing');
  }, 90_000);

  it('a cancelled capture ends cancelled and leaves no partial version', async () => {
    const { disk } = await setup('gpt');
    const controller = new AbortController();
    const inventory = imageInventory(nas, [{ name: 'cancelled', disk }]);
    const context = imageContext(inventory, dirs, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'log' && /partition 2/.test(e.message ?? '')) controller.abort();
      },
    });
    const record = validRecord(await imageCaptureJob()(imagePlanned('cancelled'), context));
    expect(record.outcome).toBe('cancelled');
    expect(await readdir(join(storeRoot(), 'cancelled'))).toEqual([]);
  }, 90_000);

  it('a manifest naming a file through a symlink is refused, target untouched', async () => {
    const { context, planned, image } = await setup('mbr');
    okRecord(await imageCaptureJob()(planned, context));
    const versionDir = join(storeRoot(), image.name, '1.0.0');
    const read = await readManifest(versionDir);
    if (!read.ok) throw new Error(read.error.message);
    const gap = join(versionDir, read.manifest.partitionTable.gap.file);
    const outside = join(tmp.path, 'outside.bin');
    await copyRangeSparse(gap, outside, { length: read.manifest.partitionTable.gap.bytes, create: true });
    await exec('rm', [gap]);
    await symlink(outside, gap);
    const target = join(tmp.path, 't.img');
    const refused = validRecord(await imageRestoreJob({ target })(planned, context));
    expect(refused.error?.code).toBe('partclone.image-corrupt');
    expect(refused.error?.message).toMatch(/not a regular file/);
    await expect(stat(target)).rejects.toThrow();
  }, 90_000);

  it('SD write to a file card: ends zeroed, written, read back and verified; the card boots the same filesystems', async () => {
    const { context, planned, image } = await setup('mbr', {
      extra: '  sdCard:\n    zeroEnds: true\n    readBackVerify: true\n    minCardMiB: 50\n',
    });
    okRecord(await imageCaptureJob()(planned, context));
    const card = join(tmp.path, 'card.img');
    await writeFile(card, Buffer.alloc(64 * MiB, 0xa5)); // an old card full of something else
    const written = okRecord(await sdWriteJob({ card })(planned, context));
    expect(written.job).toBe('sd-write');
    expect(written.verification).toMatchObject({ passed: true });
    // MBR: the image ends where its last partition ends (1 + 16 + 32 MiB).
    expect(written.stats).toMatchObject({ cardBytes: 64 * MiB, imageBytes: 49 * MiB });
    expect((await stat(card)).size).toBe(64 * MiB); // never extended
    const m = await readManifest(join(storeRoot(), image.name, '1.0.0'));
    if (!m.ok) throw new Error(m.error.message);
    expect(await examineDisk(card, m.manifest, tmp.path)).toEqual(expectedEvidence(m.manifest));
    // The last MiB was zeroed; the rest beyond the image is what the card held.
    const fh = await open(card, 'r');
    const tail = Buffer.alloc(MiB);
    await fh.read(tail, 0, MiB, 63 * MiB);
    const beyond = Buffer.alloc(16);
    await fh.read(beyond, 0, 16, 55 * MiB);
    await fh.close();
    expect(tail.equals(Buffer.alloc(MiB))).toBe(true);
    expect(beyond.equals(Buffer.alloc(16, 0xa5))).toBe(true);
    expect(await readdir(dirs.sandboxDir)).toEqual([]);
  }, 90_000);

  it('SD write refuses a too-small card and a card shorter than it claims, writing nothing', async () => {
    const { context, planned } = await setup('gpt', {
      extra: '  sdCard:\n    zeroEnds: true\n    readBackVerify: true\n    minCardMiB: 64\n',
    });
    okRecord(await imageCaptureJob()(planned, context));
    const small = join(tmp.path, 'small-card.img');
    await writeFile(small, randomBytes(40 * MiB));
    const before = await sha256File(small);
    const refused = validRecord(await sdWriteJob({ card: small })(planned, context));
    expect(refused.outcome).toBe('failed');
    expect(refused.error?.code).toBe('image.target-too-small');
    expect(refused.error?.message).toMatch(/holds 40\.0 MiB.*needs 64\.0 MiB/);
    expect(await sha256File(small)).toEqual(before);

    // Big enough for the image, below the device class's minimum card.
    const below = join(tmp.path, 'below-min.img');
    await makeSparseFile(below, 56 * MiB);
    const belowMin = validRecord(await sdWriteJob({ card: below })(planned, context));
    expect(belowMin.error?.code).toBe('image.target-too-small');
    expect(belowMin.error?.message).toContain('minCardMiB 64');

    const fake = join(tmp.path, 'fake-card.img');
    await writeFile(fake, randomBytes(48 * MiB));
    const fakeBefore = await sha256File(fake);
    const refusedFake = validRecord(
      await sdWriteJob({ card: fake, claimedBytes: 128 * MiB })(planned, context),
    );
    expect(refusedFake.error?.code).toBe('image.card-fake-capacity');
    expect(refusedFake.error?.message).toMatch(/holds 48\.0 MiB but claims 128\.0 MiB/);
    expect(await sha256File(fake)).toEqual(fakeBefore);

    const missing = validRecord(await sdWriteJob({ card: join(tmp.path, 'no-card') })(planned, context));
    expect(missing.error?.code).toBe('image.target-invalid');
    await expect(stat(join(tmp.path, 'no-card'))).rejects.toThrow();
  }, 90_000);

  it('GPT SD write to a larger card puts the backup GPT at the card end', async () => {
    const { context, planned } = await setup('gpt');
    okRecord(await imageCaptureJob()(planned, context));
    const card = join(tmp.path, 'card.img');
    await writeFile(card, randomBytes(72 * MiB));
    okRecord(await sdWriteJob({ card })(planned, context));
    expect((await exec('sgdisk', ['-v', card])).stdout).toMatch(/No problems found/);
  }, 90_000);

  it('image drill restores the latest version into the sandbox, verifies it, records the RTO, and cleans up', async () => {
    const { context, planned, image } = await setup('gpt', {
      extra: "  objectives:\n    rto: 4h\n  drill:\n    schedule:\n      cron: '0 2 * * 4'\n",
    });
    okRecord(await imageCaptureJob()(planned, context));
    const later = imageInventory(nas, [{ ...image, version: '1.1.0' }]);
    okRecord(await imageCaptureJob()(planned, imageContext(later, dirs)));
    const drilled = okRecord(await imageDrillJob()(planned, context));
    expect(drilled.job).toBe('drill');
    expect(drilled.stats?.version).toBe('1.1.0');
    expect(drilled.verification?.passed).toBe(true);
    expect(drilled.rto).toMatchObject({ objectiveSeconds: 4 * 3600, met: true });
    expect(drilled.rto?.measuredSeconds).toBeGreaterThan(0);
    expect(drilled.rto?.measuredSeconds).toBeLessThanOrEqual(drilled.durationSeconds);
    expect(await readdir(dirs.sandboxDir)).toEqual([]);

    // Without an objective: no rto field, and the record says why.
    const noRto = imageInventory(nas, [{ ...image, extra: '' }]);
    const plain = okRecord(await imageDrillJob()(planned, imageContext(noRto, dirs)));
    expect(plain.rto).toBeUndefined();
    expect(plain.stats?.rtoObjective).toBe('none declared');
  }, 90_000);

  it('retention keeps keepVersions: oldest removed, never the new one, never a deployed one', async () => {
    const { disk } = await setup('mbr');
    const capture = async (version: string) => {
      const inventory = imageInventory(nas, [{ name: 'kvm', disk, version, keepVersions: 2 }]);
      return okRecord(await imageCaptureJob()(imagePlanned('kvm'), imageContext(inventory, dirs)));
    };
    await capture('1');
    await capture('2');
    const third = await capture('3');
    expect(third.stats).toMatchObject({ versionsKept: '2,3', versionsDeleted: '1' });
    expect((await listVersions(storeRoot(), 'kvm')).versions.map((v) => v.version)).toEqual(['2', '3']);

    // Version 2 goes to the field: the next capture removes nothing deployed, so 3 goes.
    await setPromotion(join(storeRoot(), 'kvm', '2'), 'deployed');
    const fourth = await capture('4');
    expect(fourth.stats).toMatchObject({ versionsKept: '2,4', versionsDeleted: '3' });
    expect(await readdir(join(storeRoot(), 'kvm'))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/^\./)]),
    );

    // A stored version is never overwritten.
    const inventory = imageInventory(nas, [{ name: 'kvm', disk, version: '4', keepVersions: 2 }]);
    const dup = validRecord(await imageCaptureJob()(imagePlanned('kvm'), imageContext(inventory, dirs)));
    expect(dup.error?.code).toBe('image.version-exists');
    expect(dup.error?.message).toContain('bump spec.version');
  }, 90_000);

  it('a partition that fails to capture fails the job and leaves no partial version behind', async () => {
    const { disk } = await setup('gpt');
    // Partition 2 is ext4, declared vfat: partclone.fat finds no FAT on it.
    const wrong = {
      ...disk,
      partitions: disk.partitions.map((p) => (p.number === 2 ? { ...p, filesystem: 'vfat' as const } : p)),
    };
    const inventory = imageInventory(nas, [{ name: 'wrong-fs', disk: wrong }]);
    const failed = validRecord(
      await imageCaptureJob()(imagePlanned('wrong-fs'), imageContext(inventory, dirs)),
    );
    expect(failed.outcome).toBe('failed');
    expect(failed.error?.code).toMatch(/^partclone\./);
    expect(failed.error?.message).toMatch(/^partition 2 \("os"\)/);
    expect(await readdir(join(storeRoot(), 'wrong-fs'))).toEqual([]);
  }, 90_000);

  it('refuses stores that are not local paths, sources that do not exist and layouts that differ from the YAML', async () => {
    const { disk } = await setup('mbr');
    const run = async (text: ImageText) =>
      validRecord(
        await imageCaptureJob()(imagePlanned(text.name), imageContext(imageInventory(nas, [text]), dirs)),
      );
    const rest = await run({ name: 'on-rest', disk, target: 'rest-nas' });
    expect(rest.error?.code).toBe('image.store-unsupported');
    expect(rest.error?.message).toContain('rest:http://127.0.0.1:8000/');
    const gone = await run({ name: 'gone', disk: { ...disk, path: join(tmp.path, 'no-such-disk.img') } });
    expect(gone.error?.code).toBe('image.source-missing');
    const asGpt = await run({ name: 'as-gpt', disk: { ...disk, table: 'gpt' } });
    expect(asGpt.error?.code).toBe('image.layout-mismatch');
    expect(asGpt.error?.message).toMatch(/MBR partition table, the image declares GPT/);
    const sized = await run({ name: 'sized', disk, sizesMiB: [16, 64] });
    expect(sized.error?.code).toBe('image.layout-mismatch');
    expect(sized.error?.message).toMatch(/is 32\.0 MiB, the image declares 64 MiB/);
    const unknown = validRecord(
      await imageCaptureJob()(imagePlanned('not-declared'), imageContext(imageInventory(nas, []), dirs)),
    );
    expect(unknown.error?.code).toBe('image.not-found');
    expect(await stat(storeRoot()).catch(() => undefined)).toBeUndefined();
  }, 90_000);
});
