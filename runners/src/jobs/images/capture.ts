// `image-capture`: a whole disk (block device or disk image file) into a new stored image version — the
// partition table, the bytes before the first partition, and each declared partition through
// partclone | zstd with its SHA-256 taken in the same pass — published only when complete, then the
// oldest versions beyond retention are removed. A partition is read in place (its device node, or as root a
// read-only loop device over its range of the disk image) and copied to a scratch file only when neither works.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '@lifeboat/core';
import { syncDirectory } from '../../ledger/atomic-write.js';
import type { PlannedJob } from '../../scheduler/due.js';
import { attachReadOnlyRange } from '../../tools/disk/loop-device.js';
import { backupGpt, readPartitionTable } from '../../tools/disk/partition-table.js';
import { sha256File } from '../../tools/disk/sha256.js';
import { deviceSize } from '../../tools/disk/space.js';
import { captureFilesystem } from '../../tools/partclone/partclone.js';
import type { Outcome, ToolError } from '../../tools/result.js';
import type { JobContext, JobFn } from '../job.js';
import type { DiskLayout, PartitionRange } from './layout.js';
import { planLayout } from './layout.js';
import { type ImageManifest, type ManifestPartition, type StoredFile, writeManifest } from './manifest.js';
import { copyRangeSparse, mountedFrom } from './ranges.js';
import { beginImageJob, endImageJob, errorOf, failureOutcome, type ImageRun } from './record.js';
import { applyRetention } from './retention.js';
import { imageDir, storeRootOf, versionDir } from './store.js';

export interface ImageCaptureOptions {
  /** The directory holding every image's versions; default: the image's primary store. */
  storeRoot?: string;
  /** Capture this disk instead of spec.source (the demo, a one-off capture). */
  source?: string;
  /**
   * Where a partition of a disk image file is extracted for partclone (sparse; one partition at a time).
   * Default: the new version's own work directory on the store, whose free space partclone then checks.
   */
  scratchDir?: string;
  /** Bytes to leave free on the store. */
  reserveBytes?: number;
  /** Per partition, for partclone and the disk tools. */
  timeoutMs?: number;
  /**
   * `auto` (default): read a partition of a disk image file (or of a device without partition nodes)
   * through a read-only loop device when running as root, else from a scratch copy; `never`: always copy.
   */
  loopDevices?: 'auto' | 'never';
}

export const PARTITION_TABLE_FILE = 'partition-table.sfdisk';
export const GPT_BACKUP_FILE = 'partition-table.sgdisk';
export const GAP_FILE = 'gap.bin';

/** `p2-root.pcl.zst`: number and name from the YAML (both plain), suffix from the format. */
export const partitionFileName = (
  p: { number: number; name: string; filesystem: string },
  compression: string,
) => `p${p.number}-${p.name}.${p.filesystem === 'dd' ? 'raw' : 'pcl'}${compression === 'zstd' ? '.zst' : ''}`;

const storedFile = async (dir: string, file: string): Promise<StoredFile> => {
  const { sha256, bytes } = await sha256File(join(dir, file));
  return { file, sha256, bytes };
};

interface Captured {
  partitions: ManifestPartition[];
  tools: Record<string, string>;
  dump: StoredFile;
  gap: StoredFile;
  gptBackup?: StoredFile;
  /** How each captured partition was read, in order (recorded in the run record's stats). */
  readVia: PartitionReadVia[];
}

type Step<T> = { ok: true; value: T } | { ok: false; error: ToolError; outcome?: Outcome };

/** How partclone reads a partition: its own device node, a read-only loop device over its range, or a copy. */
export type PartitionReadVia = 'partition-device' | 'loop-device' | 'scratch-copy';

interface PartitionSource {
  path: string;
  via: PartitionReadVia;
  /** Detaches the loop device or removes the scratch copy; always called, in a finally. */
  release: () => Promise<void>;
}

/**
 * The partition's filesystem as a path partclone can read, cheapest first: the partition's own device node
 * when the source is a block device and the node has exactly the partition's size; a read-only loop device
 * over the partition's range (root only: no copy, no extra space); otherwise a sparse copy of the range.
 */
const partitionSource = async (
  run: ImageRun,
  options: ImageCaptureOptions,
  source: string,
  sourceIsDevice: boolean,
  p: PartitionRange,
  scratchDir: string,
): Promise<PartitionSource> => {
  const signal = run.context.signal;
  if (sourceIsDevice && p.node?.startsWith('/dev/')) {
    const node = await stat(p.node).catch(() => undefined);
    if (node?.isBlockDevice() && (await deviceSize(p.node)) === p.sizeBytes)
      return { path: p.node, via: 'partition-device', release: async () => undefined };
  }
  if ((options.loopDevices ?? 'auto') === 'auto') {
    // Not cancellable: a losetup killed after attaching would leave a device nobody knows to detach.
    const attached = await attachReadOnlyRange(source, { offsetBytes: p.startBytes, sizeBytes: p.sizeBytes });
    if (attached.ok) {
      const { loop } = attached;
      return {
        path: loop.device,
        via: 'loop-device',
        release: async () => {
          const problem = await loop.detach();
          if (problem) run.emit({ type: 'log', message: problem });
        },
      };
    }
    run.emit({
      type: 'log',
      message: `partition ${p.number}: no loop device (${attached.reason}); reading it from a scratch copy`,
    });
  }
  const path = join(scratchDir, `.scratch-p${p.number}-${randomBytes(4).toString('hex')}.img`);
  const release = async () => {
    await rm(path, { force: true });
  };
  try {
    await copyRangeSparse(source, path, {
      sourceOffset: p.startBytes,
      length: p.sizeBytes,
      skipZeros: true,
      create: true,
      sync: false,
      signal,
    });
  } catch (e) {
    await release();
    throw e;
  }
  return { path, via: 'scratch-copy', release };
};

const captureInto = async (
  run: ImageRun,
  options: ImageCaptureOptions,
  source: string,
  sourceIsDevice: boolean,
  layout: DiskLayout,
  dumpText: string,
  work: string,
): Promise<Step<Captured>> => {
  const { spec } = run.image;
  const signal = run.context.signal;
  const tools: Record<string, string> = {};
  await writeFile(join(work, PARTITION_TABLE_FILE), dumpText, { flag: 'wx' });
  const dump = await storedFile(work, PARTITION_TABLE_FILE);
  let gptBackup: StoredFile | undefined;
  if (layout.type === 'gpt') {
    const backup = await backupGpt(source, join(work, GPT_BACKUP_FILE), {
      signal,
      timeoutMs: options.timeoutMs,
    });
    if (backup.outcome !== 'ok')
      return { ok: false, error: backup.error, outcome: failureOutcome(run, backup.outcome) };
    tools.sgdisk = backup.version;
    gptBackup = await storedFile(work, GPT_BACKUP_FILE);
  }
  // MBR boot code and a boot loader between the table and the first partition: a disk does not boot without them.
  await copyRangeSparse(source, join(work, GAP_FILE), { length: layout.gapBytes, create: true, signal });
  const gap = await storedFile(work, GAP_FILE);

  const scratchDir = options.scratchDir ?? work;
  const partitions: ManifestPartition[] = [];
  const readVia: PartitionReadVia[] = [];
  const count = layout.partitions.length;
  for (const [i, p] of layout.partitions.entries()) {
    run.emit({ type: 'log', message: `capturing partition ${p.number} (${p.name}, ${p.filesystem})` });
    const from = await partitionSource(run, options, source, sourceIsDevice, p, scratchDir);
    readVia.push(from.via);
    try {
      const file = partitionFileName(p, spec.capture.compression);
      const captured = await captureFilesystem({
        fs: p.filesystem,
        source: from.path,
        output: join(work, file),
        checksumMode: spec.capture.checksumMode,
        compression: spec.capture.compression,
        ...(spec.capture.level === undefined ? {} : { level: spec.capture.level }),
        reserveBytes: options.reserveBytes ?? 0,
        signal,
        timeoutMs: options.timeoutMs,
        onProgress: (progress) =>
          run.emit({ type: 'progress', percent: ((i + progress.percent / 100) / count) * 100 }),
      });
      if (captured.outcome !== 'ok') {
        const error = {
          code: captured.error.code,
          message: `partition ${p.number} (${quote(p.name)}): ${captured.error.message}`,
        };
        return { ok: false, error, outcome: failureOutcome(run, captured.outcome) };
      }
      tools.partclone = captured.version;
      const c = captured.value;
      partitions.push({
        number: p.number,
        name: p.name,
        filesystem: p.filesystem,
        startBytes: p.startBytes,
        sizeBytes: p.sizeBytes,
        partclone: { version: captured.version, checksumMode: spec.capture.checksumMode },
        compression: spec.capture.compression,
        image: { file, sha256: c.sha256, bytes: c.storedBytes },
        rawSha256: c.rawSha256,
        rawBytes: c.rawBytes,
        usedBytes: c.summary.usedBytes ?? (p.filesystem === 'dd' ? c.rawBytes : p.sizeBytes),
      });
    } finally {
      await from.release();
    }
  }
  return {
    ok: true,
    value: { partitions, tools, dump, gap, readVia, ...(gptBackup ? { gptBackup } : {}) },
  };
};

const capture = async (run: ImageRun, options: ImageCaptureOptions) => {
  const { image, context } = run;
  const { spec } = image;
  const name = image.metadata.name;
  const failed = (error: ToolError, outcome: Outcome = 'failed') =>
    endImageJob(run, { outcome: failureOutcome(run, outcome), error });

  const root = storeRootOf(image, context, options.storeRoot);
  if (!root.ok) return failed(root.error);
  const source = options.source ?? spec.source.device ?? spec.source.file;
  if (!source)
    return failed({
      code: 'image.source-missing',
      message: `image ${quote(name)} declares no source.device or source.file`,
    });
  if (!source.startsWith('/') || source.split('/').includes('..'))
    return failed({
      code: 'image.source-missing',
      message: `source ${quote(source, 200)} must be an absolute path without ".."`,
    });
  const info = await stat(source).catch(() => undefined);
  if (!info || (!info.isFile() && !info.isBlockDevice()))
    return failed({
      code: 'image.source-missing',
      message: `source ${quote(source, 200)} ${info ? 'is neither a block device nor a file' : 'does not exist'}`,
    });
  if (info.isBlockDevice()) {
    // A partition read through its range is not protected by partclone's own mount check.
    const mounted = await mountedFrom(source);
    if (mounted.length > 0)
      return failed({
        code: 'image.source-busy',
        message: `source ${quote(source, 200)} is mounted (${mounted.map((m) => quote(m)).join(', ')}): a live filesystem does not image consistently; unmount it or boot the device from other media`,
      });
  }
  const sizeBytes = (await deviceSize(source)) ?? info.size;

  const table = await readPartitionTable(source, { signal: context.signal, timeoutMs: options.timeoutMs });
  if (table.outcome !== 'ok')
    return failed(table.error, table.outcome === 'cancelled' ? 'cancelled' : 'failed');
  const planned = planLayout(table.value, spec, quote(source, 200));
  if (!planned.ok) return failed(planned.error);
  const layout = planned.layout;
  if (layout.imageBytes > sizeBytes)
    return failed({
      code: 'image.layout-mismatch',
      message: `the partition table of ${quote(source, 200)} reaches beyond its ${sizeBytes} bytes`,
    });

  const final = versionDir(root.value, name, spec.version);
  if (await stat(final).catch(() => undefined))
    return failed({
      code: 'image.version-exists',
      message: `version ${quote(spec.version)} of image ${quote(name)} is already stored in ${quote(final, 200)}: bump spec.version`,
    });
  const parent = imageDir(root.value, name);
  let work: string | undefined;
  try {
    await mkdir(parent, { recursive: true });
    work = join(parent, `.partial-${spec.version}-${randomBytes(4).toString('hex')}`);
    await mkdir(work);
    const captured = await captureInto(
      run,
      options,
      source,
      info.isBlockDevice(),
      layout,
      table.value.text,
      work,
    );
    if (!captured.ok) {
      await rm(work, { recursive: true, force: true });
      return failed(captured.error, captured.outcome);
    }
    const c = captured.value;
    const manifest: ImageManifest = {
      apiVersion: 'lifeboat/v1',
      kind: 'ImageManifest',
      image: name,
      version: spec.version,
      deviceClass: spec.deviceClass,
      capturedAt: context.now().toISOString(),
      source: { path: source, kind: info.isBlockDevice() ? 'device' : 'file', sizeBytes },
      partitionTable: {
        type: layout.type,
        sectorSize: layout.sectorSize,
        imageBytes: layout.imageBytes,
        dump: c.dump,
        ...(c.gptBackup ? { gptBackup: c.gptBackup } : {}),
        gap: c.gap,
      },
      partitions: c.partitions,
      tools: { ...c.tools, sfdisk: table.version },
      promotion: 'candidate',
    };
    await writeManifest(work, manifest);
    await rename(work, final);
    work = undefined;
    await syncDirectory(parent);

    const retention = await applyRetention(root.value, name, {
      keepVersions: spec.retention.keepVersions,
      justMade: spec.version,
      declared: { version: spec.version, promotion: spec.promotion },
    });
    const stats: Record<string, string | number | boolean> = {
      version: spec.version,
      partitions: c.partitions.length,
      storedBytes: c.partitions.reduce((n, p) => n + p.image.bytes, 0),
      rawBytes: c.partitions.reduce((n, p) => n + p.rawBytes, 0),
      usedBytes: c.partitions.reduce((n, p) => n + p.usedBytes, 0),
      imageBytes: layout.imageBytes,
      partitionsReadVia: c.readVia.join(','),
      versionsKept: retention.kept.join(','),
      versionsDeleted: retention.deleted.join(','),
    };
    if (layout.undeclared.length > 0) stats.undeclaredPartitions = layout.undeclared.join(',');
    if (c.tools.partclone && c.tools.partclone !== spec.capture.partclone)
      stats.partcloneMismatch = `pinned ${spec.capture.partclone}, ran ${c.tools.partclone}`;
    if (retention.errors.length > 0) {
      // The new version is complete and stored; only the clean-up of old ones did not finish.
      return endImageJob(run, { outcome: 'partial', error: retention.errors[0] as ToolError, stats });
    }
    return endImageJob(run, { outcome: 'ok', stats });
  } catch (e) {
    if (work) await rm(work, { recursive: true, force: true }).catch(() => undefined);
    const error = errorOf(e);
    return failed(/ENOSPC/.test(error.message) ? { ...error, code: 'image.no-space' } : error);
  }
};

/**
 * The `image-capture` job: captures spec.source into `<store>/<image>/<spec.version>/`. The version is
 * built in a `.partial-*` directory and renamed into place only when every partition and the manifest are
 * written, so a failed partition leaves nothing behind and a listed version is always complete.
 */
export const imageCaptureJob =
  (options: ImageCaptureOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext) => {
    const begun = await beginImageJob('image-capture', planned, context);
    if (!begun.ok) return begun.record;
    return capture(begun.run, options);
  };
