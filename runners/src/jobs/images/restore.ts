// `image-restore`: a stored image version onto a whole disk (block device) or disk image file. Every stored
// file is verified against the manifest BEFORE the target is opened; then the bytes before the first
// partition and the partition table are written, and each partition is restored, verified and copied
// into its range.
//
// How a partition reaches its range: partclone restores it into a sparse scratch file of the partition's
// size; the scratch file is verified there (re-capture hash equal to the manifest's raw-stream hash, fsck
// clean); then Node copies it into the range and reads the range back, whose SHA-256 must equal the
// copied bytes'. partclone's `-E` (output offset) could restore straight into the range, but nothing
// could verify it there: partclone has no input offset for the re-capture, fsck.fat takes no offset,
// and the partition nodes of a table just written to a device need a kernel re-read (image files have
// none). One scratch copy per partition is the price of verifying the same way for files and devices.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { quote } from '@lifeboat/core';
import type { PlannedJob } from '../../scheduler/due.js';
import { isExt, isFat } from '../../tools/disk/filesystem.js';
import { checkFilesystem } from '../../tools/disk/fsck.js';
import { writePartitionTable } from '../../tools/disk/partition-table.js';
import { sha256File } from '../../tools/disk/sha256.js';
import { deviceSize, formatBytes, freeSpace, spaceShortfall } from '../../tools/disk/space.js';
import { recaptureHash, restoreFilesystem } from '../../tools/partclone/partclone.js';
import { checksumModes, detectPartcloneVersion } from '../../tools/partclone/version.js';
import type { Outcome, ToolError } from '../../tools/result.js';
import type { JobContext, JobFn } from '../job.js';
import { isSafeFileName, type ManifestPartition, storedFiles } from './manifest.js';
import { copyRangeSparse, dropDeviceCache, mountedFrom, rereadPartitions } from './ranges.js';
import { beginImageJob, endImageJob, errorOf, failureOutcome, type ImageRun } from './record.js';
import { isInside, openVersion, type StoredVersion, storeRootOf } from './store.js';

export interface PartitionCheck {
  number: number;
  name: string;
  filesystem: string;
  /** Re-capture hash of the restored filesystem equals the manifest's raw-stream hash (undefined: not asked). */
  recapture: boolean | undefined;
  /** fsck clean (undefined: not asked, or no checker for this filesystem). */
  fsck: boolean | undefined;
  /** The range read back from the target equals the verified bytes. */
  readBack: boolean;
}

export interface RestoreReport {
  target: string;
  createdTarget: boolean;
  partitions: PartitionCheck[];
  /** Bytes of the target this restore wrote (holes in a new file not counted). */
  bytesWritten: number;
}

export type RestoreResult =
  | { outcome: 'ok'; report: RestoreReport }
  | {
      outcome: Exclude<Outcome, 'ok'>;
      error: ToolError;
      /** false: the target was never opened for writing (verification failed first). */
      targetTouched: boolean;
      report?: RestoreReport;
    };

export interface RestoreVersionInput {
  version: StoredVersion;
  /** Absolute path of a whole-disk block device, an existing disk image file, or a new file. */
  target: string;
  /** Size of a new target file (default: the source disk's size; never less than the image needs). */
  createBytes?: number;
  /** Directory for the per-partition scratch files (one at a time, sparse). */
  scratchDir: string;
  /** Paths the target must not be or lie under (the image store). */
  forbidden?: string[];
  recapture: boolean;
  fsck: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (percent: number) => void;
  onLog?: (message: string) => void;
}

const refuse = (code: string, message: string, targetTouched = false): RestoreResult => ({
  outcome: 'failed',
  error: { code, message },
  targetTouched,
});

/**
 * Every file the manifest names, hashed and compared before anything else happens. A file that is a
 * symlink, missing, of another size or another SHA-256 refuses the restore (`partclone.image-corrupt`).
 */
export const verifyStoredFiles = async (
  version: StoredVersion,
  target: string,
  signal?: AbortSignal,
): Promise<RestoreResult | undefined> => {
  for (const f of storedFiles(version.manifest)) {
    if (!isSafeFileName(f.file))
      return refuse('image.manifest-invalid', `${f.what}: ${quote(f.file)} is not a plain file name`);
    const path = join(version.dir, f.file);
    const info = await lstat(path).catch(() => undefined);
    const where = `${quote(f.file)} (${f.what}) of version ${quote(version.version)}`;
    if (!info?.isFile())
      return refuse(
        'partclone.image-corrupt',
        `${where} is ${info ? 'not a regular file' : 'missing'}: not restored, ${quote(target, 200)} untouched`,
      );
    const got = await sha256File(path, { signal }).catch((e: unknown) => errorOf(e));
    if ('code' in got) {
      if (signal?.aborted)
        return {
          outcome: 'cancelled',
          error: { code: 'image.cancelled', message: 'cancelled while verifying' },
          targetTouched: false,
        };
      return refuse(
        'partclone.image-corrupt',
        `${where} cannot be read (${got.message}): not restored, ${quote(target, 200)} untouched`,
      );
    }
    if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) {
      return refuse(
        'partclone.image-corrupt',
        `${where} has SHA-256 ${got.sha256.slice(0, 16)}… (${got.bytes} bytes), the manifest says ${f.sha256.slice(0, 16)}… (${f.bytes} bytes): not restored, ${quote(target, 200)} untouched`,
      );
    }
  }
  return undefined;
};

interface TargetPlan {
  exists: boolean;
  device: boolean;
  sizeBytes: number;
}

const checkTarget = async (input: RestoreVersionInput): Promise<TargetPlan | RestoreResult> => {
  const { target, version } = input;
  const m = version.manifest;
  if (!target.startsWith('/') || target.split('/').includes('..'))
    return refuse(
      'image.target-invalid',
      `target ${quote(target, 200)} must be an absolute path without ".."`,
    );
  const info = await stat(target).catch(() => undefined);
  for (const f of input.forbidden ?? []) {
    if (await isInside(target, f))
      return refuse(
        'image.target-invalid',
        `target ${quote(target, 200)} lies inside the image store ${quote(f, 200)}`,
      );
  }
  if (!info) {
    const dir = await stat(dirname(target)).catch(() => undefined);
    if (!dir?.isDirectory())
      return refuse(
        'image.target-invalid',
        `directory ${quote(dirname(target), 200)} of the new target does not exist`,
      );
    const size = Math.max(input.createBytes ?? m.source.sizeBytes, m.partitionTable.imageBytes);
    return { exists: false, device: false, sizeBytes: size };
  }
  if (!info.isFile() && !info.isBlockDevice())
    return refuse(
      'image.target-invalid',
      `target ${quote(target, 200)} is neither a block device nor a regular file`,
    );
  if (info.isBlockDevice()) {
    const mounted = await mountedFrom(target);
    if (mounted.length > 0)
      return refuse(
        'image.target-invalid',
        `target ${quote(target, 200)} is mounted (${mounted.map((s) => quote(s)).join(', ')}): unmount it first`,
      );
  }
  const sizeBytes = (await deviceSize(target)) ?? info.size;
  if (sizeBytes < m.partitionTable.imageBytes)
    return refuse(
      'image.target-too-small',
      `target ${quote(target, 200)} holds ${formatBytes(sizeBytes)}, version ${quote(version.version)} needs ${formatBytes(m.partitionTable.imageBytes)}: nothing written`,
    );
  return { exists: true, device: info.isBlockDevice(), sizeBytes };
};

const sameDevice = async (a: string, b: string) => {
  const [x, y] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev;
};

/** Free space: a new sparse target needs what the filesystems use; the scratch file the largest of them. */
const checkSpace = async (
  input: RestoreVersionInput,
  plan: TargetPlan,
): Promise<RestoreResult | undefined> => {
  const m = input.version.manifest;
  const scratch = Math.max(...m.partitions.map((p) => p.usedBytes));
  const onTarget = plan.exists
    ? 0
    : m.partitions.reduce((n, p) => n + p.usedBytes, m.partitionTable.gap.bytes);
  const targetDir = dirname(input.target);
  const shared = !plan.exists && (await sameDevice(targetDir, input.scratchDir));
  const scratchFree = (await freeSpace(input.scratchDir)).availableBytes;
  const short = spaceShortfall(
    scratch + (shared ? onTarget : 0),
    scratchFree,
    0,
    quote(input.scratchDir, 200),
  );
  if (short)
    return refuse(
      'image.no-space',
      `restoring version ${quote(input.version.version)} ${short}: nothing written`,
    );
  if (!plan.exists && !shared) {
    const s = spaceShortfall(onTarget, (await freeSpace(targetDir)).availableBytes, 0, quote(targetDir, 200));
    if (s)
      return refuse(
        'image.no-space',
        `restoring version ${quote(input.version.version)} ${s}: nothing written`,
      );
  }
  return undefined;
};

const partitionFailure = (p: ManifestPartition, error: ToolError): ToolError => ({
  code: error.code,
  message: `partition ${p.number} (${quote(p.name)}): ${error.message}`,
});

/**
 * Restores one stored version onto `target`, verifying as it goes (see the top of this file). Never
 * throws for data or tool failures. A target file this restore created is removed again when it fails.
 */
export const restoreVersion = async (input: RestoreVersionInput): Promise<RestoreResult> => {
  const { version, target, signal } = input;
  const m = version.manifest;
  const planOrFail = await checkTarget(input);
  if ('outcome' in planOrFail) return planOrFail;
  const plan = planOrFail;
  const installed = await detectPartcloneVersion();
  const { modes } = checksumModes(installed);
  const unknown = m.partitions.find(
    (p) => p.filesystem !== 'dd' && !modes.includes(p.partclone.checksumMode),
  );
  if (unknown)
    return refuse(
      'partclone.checksum-mode-unsupported',
      `partition ${unknown.number} was captured with -a${unknown.partclone.checksumMode} (partclone ${unknown.partclone.version}); partclone ${installed?.text ?? '(not found)'} here knows ${modes.map((n) => `-a${n}`).join(', ')}: nothing written`,
    );
  const corrupt = await verifyStoredFiles(version, target, signal);
  if (corrupt) return corrupt;
  const space = await checkSpace(input, plan);
  if (space) return space;

  // Set once this restore has created the target file: only then may a failure remove it.
  const report: RestoreReport = { target, createdTarget: false, partitions: [], bytesWritten: 0 };
  const fail = async (error: ToolError, outcome: Outcome = 'failed'): Promise<RestoreResult> => {
    if (report.createdTarget) await rm(target, { force: true }).catch(() => undefined);
    return {
      outcome: signal?.aborted || outcome === 'cancelled' ? 'cancelled' : 'failed',
      error,
      targetTouched: true,
      report,
    };
  };
  let scratch: string | undefined;
  try {
    if (!plan.exists) {
      // `wx`: a file that appeared since the checks is not ours to fill, nor to remove.
      const fh = await open(target, 'wx');
      report.createdTarget = true;
      await fh.truncate(plan.sizeBytes).finally(() => fh.close());
    }
    // Boot code and whatever lies before the first partition, then the table over it.
    const gap = await copyRangeSparse(join(version.dir, m.partitionTable.gap.file), target, {
      length: m.partitionTable.gap.bytes,
      skipZeros: report.createdTarget,
      signal,
    });
    report.bytesWritten += gap.written;
    const dump = await readFile(join(version.dir, m.partitionTable.dump.file), 'utf8');
    const table = await writePartitionTable(target, dump, { signal, timeoutMs: input.timeoutMs });
    if (table.outcome !== 'ok') return fail(table.error, table.outcome);

    const count = m.partitions.length;
    for (const [i, p] of m.partitions.entries()) {
      input.onLog?.(`restoring partition ${p.number} (${p.name}, ${p.filesystem})`);
      scratch = join(input.scratchDir, `.restore-p${p.number}-${randomBytes(4).toString('hex')}.img`);
      const fh = await open(scratch, 'wx');
      await fh.truncate(p.sizeBytes).finally(() => fh.close());
      const restored = await restoreFilesystem({
        fs: p.filesystem,
        image: join(version.dir, p.image.file),
        target: scratch,
        expectedSha256: p.image.sha256,
        compression: p.compression,
        signal,
        timeoutMs: input.timeoutMs,
        onProgress: (progress) => input.onProgress?.(((i + progress.percent / 100) / count) * 100),
      });
      if (restored.outcome !== 'ok') return fail(partitionFailure(p, restored.error), restored.outcome);

      const check: PartitionCheck = {
        number: p.number,
        name: p.name,
        filesystem: p.filesystem,
        recapture: undefined,
        fsck: undefined,
        readBack: false,
      };
      report.partitions.push(check);
      if (input.recapture) {
        const again = await recaptureHash({
          fs: p.filesystem,
          source: scratch,
          checksumMode: p.partclone.checksumMode,
          signal,
          timeoutMs: input.timeoutMs,
        });
        if (again.outcome !== 'ok') return fail(partitionFailure(p, again.error), again.outcome);
        check.recapture = again.value.rawSha256 === p.rawSha256;
        if (!check.recapture)
          return fail(
            partitionFailure(p, {
              code: 'image.verify-failed',
              message: `re-capture hash ${again.value.rawSha256.slice(0, 16)}… differs from the manifest's ${p.rawSha256.slice(0, 16)}…`,
            }),
          );
      }
      if (input.fsck && (isExt(p.filesystem) || isFat(p.filesystem))) {
        const fsck = await checkFilesystem(p.filesystem, scratch, { signal, timeoutMs: input.timeoutMs });
        check.fsck = fsck.outcome === 'ok';
        if (fsck.outcome !== 'ok') return fail(partitionFailure(p, fsck.error), fsck.outcome);
      }
      const copied = await copyRangeSparse(scratch, target, {
        targetOffset: p.startBytes,
        length: p.sizeBytes,
        skipZeros: report.createdTarget,
        signal,
      });
      report.bytesWritten += copied.written;
      await rm(scratch, { force: true });
      scratch = undefined;
      const dropped = await dropDeviceCache(target, signal);
      if (dropped) input.onLog?.(`read-back may come from the page cache: ${dropped}`);
      const back = await sha256File(target, { start: p.startBytes, length: p.sizeBytes, signal });
      check.readBack = back.sha256 === copied.sha256;
      if (!check.readBack)
        return fail(
          partitionFailure(p, {
            code: 'image.verify-failed',
            message: `the range read back from ${quote(target, 200)} differs from the verified filesystem`,
          }),
        );
    }
    const reread = await rereadPartitions(target, signal);
    if (reread) input.onLog?.(reread);
    return { outcome: 'ok', report };
  } catch (e) {
    const error = errorOf(e);
    return fail(
      signal?.aborted
        ? { code: 'image.cancelled', message: 'cancelled' }
        : /ENOSPC/.test(error.message)
          ? { ...error, code: 'image.no-space' }
          : error,
    );
  } finally {
    if (scratch) await rm(scratch, { force: true }).catch(() => undefined);
  }
};

/** One line per partition for the run record. */
export const describeChecks = (report: RestoreReport | undefined): string =>
  (report?.partitions ?? [])
    .map(
      (c) =>
        `p${c.number} ${c.name} (${c.filesystem}): re-capture ${c.recapture === undefined ? 'not asked' : c.recapture ? 'equal' : 'DIFFERENT'}, fsck ${c.fsck === undefined ? 'n/a' : c.fsck ? 'clean' : 'ERRORS'}, read-back ${c.readBack ? 'equal' : 'DIFFERENT'}`,
    )
    .join('; ');

export const VERIFICATION_METHOD =
  'sha256 of stored files before writing; partclone re-capture hash; fsck; read-back sha256';

export interface ImageRestoreOptions {
  /** Whole-disk block device, existing disk image file, or a path for a new sparse file. */
  target: string;
  /** Default: the version the image YAML declares (spec.version). */
  version?: string;
  storeRoot?: string;
  /** Default: a fresh directory under the context's sandbox, removed afterwards. */
  scratchDir?: string;
  timeoutMs?: number;
}

const restoreJobRun = async (run: ImageRun, options: ImageRestoreOptions) => {
  const { image, context } = run;
  const root = storeRootOf(image, context, options.storeRoot);
  if (!root.ok) return endImageJob(run, { outcome: 'failed', error: root.error });
  const versionName = options.version ?? image.spec.version;
  const opened = await openVersion(root.value, image.metadata.name, versionName);
  if (!opened.ok) return endImageJob(run, { outcome: 'failed', error: opened.error });
  let own: string | undefined;
  try {
    let scratchDir = options.scratchDir;
    if (!scratchDir) {
      await mkdir(context.sandboxDir, { recursive: true });
      own = await mkdtemp(join(context.sandboxDir, `image-restore-${image.metadata.name}-`));
      scratchDir = own;
    }
    const result = await restoreVersion({
      version: opened.value,
      target: options.target,
      scratchDir,
      forbidden: [root.value],
      recapture: image.spec.verification.recaptureHash,
      fsck: image.spec.verification.fsck,
      signal: context.signal,
      timeoutMs: options.timeoutMs,
      onProgress: (percent) => run.emit({ type: 'progress', percent }),
      onLog: (message) => run.emit({ type: 'log', message }),
    });
    const stats: Record<string, string | number | boolean> = {
      version: versionName,
      target: options.target,
      imageBytes: opened.value.manifest.partitionTable.imageBytes,
    };
    if (result.outcome === 'ok') {
      stats.bytesWritten = result.report.bytesWritten;
      stats.createdTarget = result.report.createdTarget;
      return endImageJob(run, {
        outcome: 'ok',
        stats,
        verification: { passed: true, method: VERIFICATION_METHOD, details: describeChecks(result.report) },
      });
    }
    stats.targetTouched = result.targetTouched;
    return endImageJob(run, {
      outcome: failureOutcome(run, result.outcome),
      error: result.error,
      stats,
      verification: { passed: false, method: VERIFICATION_METHOD, details: result.error.message },
    });
  } catch (e) {
    return endImageJob(run, { outcome: failureOutcome(run), error: errorOf(e) });
  } finally {
    if (own) await rm(own, { recursive: true, force: true }).catch(() => undefined);
  }
};

/** The `image-restore` job for one target (restores are on demand: the target comes with the request). */
export const imageRestoreJob =
  (options: ImageRestoreOptions): JobFn =>
  async (planned: PlannedJob, context: JobContext) => {
    const begun = await beginImageJob('image-restore', planned, context);
    if (!begun.ok) return begun.record;
    return restoreJobRun(begun.run, options);
  };
